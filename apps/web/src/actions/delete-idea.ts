import { useStore } from '../store/store'
import { transport } from '../transport/current'
import { refreshCollabSoon } from './collab-refresh'
import { errorText } from './errors'
import { pending } from './pending-deletes'

/**
 * How long a deleted idea can be brought back with Undo. The backend is asked to delete it only once this
 * has passed, so friends it was shared with hear of a delete only when it is final, exactly once, through
 * the backend's outbox like any other change.
 */
export const UNDO_DELETE_MS = 8000

/** Deletes one of my ideas on screen at once, with an Undo toast; the backend deletes it when the toast goes. */
export function deleteIdea(ideaId: string): void {
  const store = useStore.getState()
  const idea = store.ideas[ideaId]
  if (!idea || idea.readOnly || pending.has(ideaId)) return
  const timer = setTimeout(() => void commit(ideaId), UNDO_DELETE_MS)
  pending.set(ideaId, { idea, shares: store.shares[ideaId], timer })
  store.removeIdea(ideaId)
  store.pushToast(`Deleted ${idea.symbol}`, 'info', {
    action: { label: 'Undo', run: () => undoDelete(ideaId) },
    ms: UNDO_DELETE_MS,
  })
}

/** Brings a deleted idea back while its Undo lasts; nobody else ever heard of the delete. */
export function undoDelete(ideaId: string): void {
  const p = pending.get(ideaId)
  if (!p) return
  clearTimeout(p.timer)
  pending.delete(ideaId)
  const store = useStore.getState()
  store.upsertIdea(p.idea, true)
  if (p.shares) store.setShares(ideaId, p.shares)
  store.pushToast(`${p.idea.symbol} is back`)
}

async function commit(ideaId: string, keepalive = false): Promise<void> {
  const p = pending.get(ideaId)
  if (!p) return
  clearTimeout(p.timer)
  pending.delete(ideaId)
  try {
    await transport().api.deleteIdea(ideaId, { keepalive })
    refreshCollabSoon()
  } catch (err) {
    const store = useStore.getState()
    store.upsertIdea(p.idea, true)
    if (p.shares) store.setShares(ideaId, p.shares)
    store.pushToast(`Could not delete ${p.idea.symbol}: ${errorText(err)}`, 'error')
  }
}

/** Leaving the page ends every Undo: the deletes waiting go now (sent so they outlive the page). */
export function flushPendingDeletes(): void {
  for (const ideaId of [...pending.keys()]) void commit(ideaId, true)
}
