import type { IdeaResponse } from '@pp/contracts'

type Pending = { idea: IdeaResponse; shares: string[] | undefined; timer: ReturnType<typeof setTimeout> }
/** My ideas deleted on screen and still waiting out their Undo, by id (see delete-idea). */
export const pending = new Map<string, Pending>()

/** True while an idea is deleted on screen but can still be brought back. */
export function isDeletePending(ideaId: string): boolean {
  return pending.has(ideaId)
}

/** A list read from the backend, without the ideas deleted on screen and waiting out their Undo. */
export function withoutPendingDeletes<T extends { id: string }>(list: T[]): T[] {
  return pending.size === 0 ? list : list.filter((i) => !pending.has(i.id))
}

export function resetPendingDeletes(): void {
  for (const p of pending.values()) clearTimeout(p.timer)
  pending.clear()
}
