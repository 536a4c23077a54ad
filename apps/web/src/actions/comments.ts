import type { CommentResponse } from '@pp/contracts'
import { useStore } from '../store/store'
import { transport } from '../transport/current'
import { refreshCollabSoon } from './collab-refresh'

/** Minimum gap between two `typing` events for the same idea. */
export const TYPING_THROTTLE_MS = 2000
const lastTypingSent = new Map<string, number>()

export function resetTypingThrottle(): void {
  lastTypingSent.clear()
}

/** A random v4 uuid; works outside secure contexts too (no crypto.randomUUID needed). */
export function localId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

export async function loadComments(ideaId: string): Promise<void> {
  try {
    useStore.getState().mergeComments(ideaId, await transport().api.comments(ideaId))
  } catch {
    // The thread keeps what it has; live events still arrive.
  }
}

/**
 * Shows the comment at once as pending ("Sending…"), then swaps in the backend's copy. It stays
 * pending until the idea's owner has stored it (`comment:upserted` with pending false).
 */
export async function sendComment(ideaId: string, text: string, retryOf?: string): Promise<void> {
  const body = text.trim()
  const { me } = useStore.getState()
  if (!body || !me) return
  const tempId = retryOf ?? localId()
  const optimistic: CommentResponse = {
    id: tempId,
    ideaId,
    author: me,
    body,
    createdAt: new Date().toISOString(),
    pending: true,
  }
  useStore.getState().upsertComment(optimistic, { local: true })
  try {
    const saved = await transport().api.addComment(ideaId, body)
    useStore.getState().upsertComment(saved, { replaceId: tempId })
    refreshCollabSoon()
  } catch {
    useStore.getState().markCommentFailed(ideaId, tempId)
  }
}

export function retryComment(ideaId: string, commentId: string): void {
  const c = useStore.getState().comments[ideaId]?.find((x) => x.id === commentId)
  if (c) void sendComment(ideaId, c.body, commentId)
}

/** Tells the others I am typing, at most once per TYPING_THROTTLE_MS per idea. */
export function notifyTyping(ideaId: string, now = Date.now()): void {
  const last = lastTypingSent.get(ideaId)
  if (last !== undefined && now - last < TYPING_THROTTLE_MS) return
  lastTypingSent.set(ideaId, now)
  transport().live.emit('typing', { ideaId })
}
