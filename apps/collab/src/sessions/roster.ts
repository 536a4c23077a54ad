import type { SessionMemberRef } from '@pp/contracts'
import type { Member, SessionRooms } from './rooms.js'
import type { RemoteMembers } from './types.js'

/** Who is in a session: this node's members and, scaled out, those on other nodes. */
export function createRoster(rooms: SessionRooms, remote: RemoteMembers | undefined) {
  /** The session's members on every node, longest-connected first (one entry per user). */
  const roster = (sessionId: string): SessionMemberRef[] => {
    const here = rooms
      .members(sessionId)
      .map((m) => ({ sessionId, userId: m.userId, connectedAt: m.connectedAt.toISOString() }))
    if (remote === undefined) return here
    const seen = new Set(here.map((m) => m.userId))
    const all = [...here]
    for (const m of remote.members(sessionId)) {
      if (seen.has(m.userId)) continue
      seen.add(m.userId)
      all.push(m)
    }
    // Stable: members connected in the same millisecond keep this node's join order.
    return all.sort((a, b) => (a.connectedAt < b.connectedAt ? -1 : a.connectedAt > b.connectedAt ? 1 : 0))
  }
  const userIds = (sessionId: string) => roster(sessionId).map((m) => m.userId)
  const refOf = (m: Member): SessionMemberRef => ({
    sessionId: m.sessionId,
    userId: m.userId,
    connectedAt: m.connectedAt.toISOString(),
  })

  return { roster, userIds, refOf }
}
