import { useStore } from '../store/store'
import { loadCollabStatus } from './load'

let collabTimer: ReturnType<typeof setTimeout> | null = null

/** Re-reads the outbox counts shortly after a change of mine (several changes: one read). */
export function refreshCollabSoon(delayMs = 300): void {
  if (collabTimer) return
  collabTimer = setTimeout(() => {
    collabTimer = null
    if (useStore.getState().socketConnected) void loadCollabStatus()
  }, delayMs)
}

export function resetCollabRefresh(): void {
  if (collabTimer) clearTimeout(collabTimer)
  collabTimer = null
}
