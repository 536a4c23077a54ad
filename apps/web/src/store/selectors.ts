import type { IdeaResponse } from '@pp/contracts'
import type { AppState } from './types'

export const BROWSER_LINK_DOWN = 'Browser ↔ backend disconnected'
export const RELAY_LINK_DOWN = 'Backend ↔ relay disconnected'

/** Live only when the browser reaches its backend and the backend reaches the relay. */
export function selectConnection(s: AppState): { live: boolean; reason: string } {
  if (!s.socketConnected) return { live: false, reason: BROWSER_LINK_DOWN }
  if (!s.collab?.connected) return { live: false, reason: RELAY_LINK_DOWN }
  return { live: true, reason: 'Connected to the backend and the relay' }
}

const newestFirst = (a: IdeaResponse, b: IdeaResponse) =>
  Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1)

export const selectMyIdeas = (s: AppState): IdeaResponse[] =>
  Object.values(s.ideas)
    .filter((i) => !i.readOnly)
    .sort(newestFirst)

export const selectSharedIdeas = (s: AppState): IdeaResponse[] =>
  Object.values(s.ideas)
    .filter((i) => i.readOnly)
    .sort(newestFirst)

export const selectUnreadCount = (s: AppState): number => s.notifications.filter((n) => !n.readAt).length

export type SyncLine = { userId: string; displayName: string; pending: number; online: boolean }

/** For one friend an idea is shared with: how many of its changes still wait in the outbox. */
export function selectSyncLine(s: AppState, ideaId: string, userId: string): SyncLine {
  const peer = s.collab?.peers.find((p) => p.user.id === userId)
  const friend = s.friends.find((f) => f.id === userId)
  return {
    userId,
    displayName: peer?.user.displayName ?? friend?.displayName ?? 'a friend',
    pending: peer?.pendingByIdea[ideaId] ?? 0,
    online: friend?.online ?? peer?.online ?? false,
  }
}

export function syncText(line: SyncLine): string {
  if (line.pending === 0) return 'Synced'
  const what = line.pending === 1 ? '1 change' : `${line.pending} changes`
  return `${what} waiting for ${line.displayName}${line.online ? '' : ' — offline'}`
}

/** What a share change did, from the backend's answer (`removed` tells a revocation from no change). */
export function shareConfirmation(userIds: readonly string[], removed: readonly string[] = []): string {
  if (userIds.length === 0) return removed.length > 0 ? 'All shares removed' : 'Not shared with anyone'
  return userIds.length === 1
    ? 'Position shared with 1 friend'
    : `Position shared with ${userIds.length} friends`
}
