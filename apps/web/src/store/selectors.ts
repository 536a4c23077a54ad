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

/** Unread notifications of comments on one idea: the card's "N new comments", cleared when its thread is read. */
export const selectUnreadComments = (s: AppState, ideaId: string): string[] =>
  s.notifications
    .filter((n) => !n.readAt && n.kind === 'comment_added' && n.ideaId === ideaId)
    .map((n) => n.id)

export const selectUnreadCount = (s: AppState): number => s.notifications.filter((n) => !n.readAt).length

/** `unknown`: the browser cannot reach its backend, so the backend's word on this is stale. */
export type SyncLine = {
  userId: string
  displayName: string
  pending: number
  online: boolean
  unknown: boolean
}

/** For one friend an idea is shared with: how many of its changes still wait in the outbox. */
export function selectSyncLine(s: AppState, ideaId: string, userId: string): SyncLine {
  const peer = s.collab?.peers.find((p) => p.user.id === userId)
  const friend = s.friends.find((f) => f.id === userId)
  return {
    userId,
    displayName: peer?.user.displayName ?? friend?.displayName ?? 'a friend',
    pending: peer?.pendingByIdea[ideaId] ?? 0,
    online: friend?.online ?? peer?.online ?? false,
    unknown: !s.socketConnected,
  }
}

/**
 * What the offline banner says: which link is down and what still works meanwhile; null when live.
 */
export function offlineNotice(s: AppState): { title: string; detail: string } | null {
  if (!s.socketConnected) {
    return {
      title: 'Reconnecting to your backend…',
      detail:
        'What you see may be out of date, and nothing you change can be saved until it is back. It reconnects by itself.',
    }
  }
  if (!s.collab?.connected) {
    return {
      title: 'Reconnecting to the collaboration service…',
      detail:
        'You can keep working: your changes and comments are saved and reach your friends as soon as it is back. Who is online is not known meanwhile.',
    }
  }
  return null
}

export function syncText(line: SyncLine): string {
  if (line.unknown) return 'Not known while your backend is unreachable'
  if (line.pending === 0) return 'Synced'
  const what = line.pending === 1 ? '1 change' : `${line.pending} changes`
  return `${what} waiting for ${line.displayName}${line.online ? '' : ' — offline'}`
}

/** "User B", "User B and User C", "User B, User C and User D". */
export function namesList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? ''
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * What a share change did, from the backend's answer: who now sees the idea, and by name who no longer
 * does (`removed` tells a revocation from no change; sharing a never-shared idea with nobody says so).
 */
export function shareConfirmation(
  symbol: string,
  userIds: readonly string[],
  removed: readonly string[] = [],
  nameOf: (userId: string) => string = () => 'a friend',
): string {
  const stopped = removed.length > 0 ? namesList(removed.map(nameOf)) : null
  if (userIds.length === 0)
    return stopped ? `Stopped sharing ${symbol} with ${stopped}` : `${symbol} is not shared with anyone`
  const shared =
    userIds.length === 1 ? 'Position shared with 1 friend' : `Position shared with ${userIds.length} friends`
  return stopped ? `${shared}; stopped sharing ${symbol} with ${stopped}` : shared
}

/** A friend's name as this browser knows it. */
export function friendName(s: AppState, userId: string): string {
  return s.friends.find((f) => f.id === userId)?.displayName ?? 'a friend'
}

/**
 * When this backend and its relay speak different protocol versions: which one is behind and what to do.
 * Null while they agree or before the relay has said.
 */
export function protocolNotice(s: AppState): { title: string; detail: string } | null {
  const p = s.collab?.protocol
  if (!p || p.relay === null || p.relay === p.backend) return null
  const newer = p.relay > p.backend ? 'relay' : 'backend'
  return {
    title: `This backend's version does not match the collaboration service's (protocol ${p.backend}, the service speaks ${p.relay}).`,
    detail:
      newer === 'relay'
        ? 'Changes may not reach your friends until you update Portfolio Planner on this machine (pull the latest release, then restart it).'
        : 'Changes may not reach your friends until whoever runs the collaboration service updates it to this release; until then, run the release that matches it.',
  }
}
