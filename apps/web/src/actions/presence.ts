import { transport } from '../transport/current'

/** How often an open thread tells the others it is still open (they forget it after 25 s). */
export const VIEWING_REPEAT_MS = 10_000
const open = new Map<string, ReturnType<typeof setInterval>>()

/** Tells the others on an idea that I have its thread open, now and every VIEWING_REPEAT_MS until I leave. */
export function startViewing(ideaId: string): void {
  if (open.has(ideaId)) return
  const say = () => transport().live.emit('typing', { ideaId, activity: 'viewing' })
  say()
  open.set(ideaId, setInterval(say, VIEWING_REPEAT_MS))
}

/** Tells them I closed it. */
export function stopViewing(ideaId: string): void {
  const timer = open.get(ideaId)
  if (timer === undefined) return
  clearInterval(timer)
  open.delete(ideaId)
  transport().live.emit('typing', { ideaId, activity: 'left' })
}

/**
 * Tells them again at once, so nobody waits for the next repeat: after a reconnect (every open thread),
 * or when an idea I have open is shared with someone new (that one).
 */
export function repeatViewing(ideaId?: string): void {
  const ids = ideaId === undefined ? [...open.keys()] : open.has(ideaId) ? [ideaId] : []
  for (const id of ids) transport().live.emit('typing', { ideaId: id, activity: 'viewing' })
}

export function resetViewing(): void {
  for (const timer of open.values()) clearInterval(timer)
  open.clear()
}
