/**
 * Late-joiner sync without storing state: ask the longest-connected member for the session state,
 * and if it does not answer within `timeoutMs` (or leaves), ask the next one.
 */
export type SyncOptions = {
  timeoutMs: number
  /** Send `sync:request` for `requester` to `candidate`. */
  ask(sessionId: string, candidate: string, requester: string): void
  /** Nobody answered: every candidate was asked (or left). */
  exhausted(sessionId: string, requester: string): void
}

type Pending = {
  candidates: readonly string[]
  /** Index of the candidate asked last. */
  index: number
  asked: Set<string>
  timer: NodeJS.Timeout | undefined
}

export interface SyncCoordinator {
  /** Starts a sync for a newcomer; `candidates` are the other members, longest-connected first. */
  start(sessionId: string, requester: string, candidates: readonly string[]): void
  /** A member answered; true when the answer is wanted and should be forwarded to the requester. */
  answer(sessionId: string, from: string, requester: string): boolean
  /** The member being waited for answered with something that cannot be forwarded: ask the next one now. */
  declined(sessionId: string, from: string, requester: string): void
  /** A member left: a requester's sync is dropped; a candidate being waited for is skipped. */
  left(sessionId: string, userId: string): void
  /** Syncs in progress. */
  size(): number
  stop(): void
}

export function createSyncCoordinator(options: SyncOptions): SyncCoordinator {
  const pending = new Map<string, Pending>()
  const key = (sessionId: string, requester: string) => `${sessionId}\u0000${requester}`

  const finish = (k: string) => {
    const p = pending.get(k)
    if (p === undefined) return
    if (p.timer !== undefined) clearTimeout(p.timer)
    pending.delete(k)
  }

  const next = (sessionId: string, requester: string) => {
    const k = key(sessionId, requester)
    const p = pending.get(k)
    if (p === undefined) return
    if (p.timer !== undefined) clearTimeout(p.timer)
    p.index += 1
    const candidate = p.candidates[p.index]
    if (candidate === undefined) {
      finish(k)
      options.exhausted(sessionId, requester)
      return
    }
    p.asked.add(candidate)
    p.timer = setTimeout(() => next(sessionId, requester), options.timeoutMs)
    p.timer.unref()
    options.ask(sessionId, candidate, requester)
  }

  return {
    start(sessionId, requester, candidates) {
      const k = key(sessionId, requester)
      finish(k)
      if (candidates.length === 0) return
      pending.set(k, { candidates, index: -1, asked: new Set(), timer: undefined })
      next(sessionId, requester)
    },
    answer(sessionId, from, requester) {
      const k = key(sessionId, requester)
      const p = pending.get(k)
      // A late answer from a member asked earlier is as good as the current one's.
      if (p === undefined || !p.asked.has(from)) return false
      finish(k)
      return true
    },
    declined(sessionId, from, requester) {
      const p = pending.get(key(sessionId, requester))
      if (p !== undefined && p.candidates[p.index] === from) next(sessionId, requester)
    },
    left(sessionId, userId) {
      finish(key(sessionId, userId))
      for (const [k, p] of pending) {
        if (!k.startsWith(`${sessionId}\u0000`)) continue
        if (p.candidates[p.index] === userId) next(sessionId, k.slice(sessionId.length + 1))
      }
    },
    size() {
      return pending.size
    },
    stop() {
      for (const k of [...pending.keys()]) finish(k)
    },
  }
}
