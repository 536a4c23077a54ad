import type { CollabStatus, PeerStatus } from '@pp/contracts'
import type { Db } from '../db/client.js'
import type { PeerNames } from '../domain/peer-names.js'

export type LinkState = Omit<CollabStatus, 'peers'>

/** Relay link state, and per peer the events still waiting in the outbox and the oldest one's age. */
export async function collabStatus(
  db: Db,
  link: LinkState,
  isOnline: (userId: string) => boolean,
  names: PeerNames,
): Promise<CollabStatus> {
  const [friends, groups] = await Promise.all([
    db.friend.findMany({ where: { status: 'accepted' }, orderBy: { displayName: 'asc' } }),
    db.outbox.groupBy({
      by: ['recipientId', 'ideaId'],
      where: { ackedAt: null },
      _count: { _all: true },
      _min: { createdAt: true },
    }),
  ])
  const now = Date.now()
  const peers = new Map<string, PeerStatus>()
  const peer = (id: string, displayName: string): PeerStatus => {
    let p = peers.get(id)
    if (p === undefined) {
      p = {
        user: { id, displayName },
        online: isOnline(id),
        pending: 0,
        oldestPendingAgeMs: null,
        pendingByIdea: {},
      }
      peers.set(id, p)
    }
    return p
  }
  for (const f of friends) peer(f.userId, f.displayName)
  for (const g of groups) {
    const p = peer(g.recipientId, names.label(g.recipientId))
    const count = g._count._all
    p.pending += count
    if (g.ideaId !== null) p.pendingByIdea[g.ideaId] = (p.pendingByIdea[g.ideaId] ?? 0) + count
    const oldest = g._min.createdAt
    if (oldest !== null) {
      const age = Math.max(0, now - oldest.getTime())
      p.oldestPendingAgeMs = Math.max(p.oldestPendingAgeMs ?? 0, age)
    }
  }
  return { ...link, peers: [...peers.values()] }
}
