import { z } from 'zod'
import { RelayOnlineUser } from './relay-http.js'

/**
 * What relay nodes tell each other through Redis (apps/collab/src/cluster). Never seen by a backend or
 * a client; parsed with these schemas on receipt all the same, since a node may run another version.
 *
 * Channels: `pp:relay:presence` carries `ClusterPresence` JSON; `pp:relay:node:<id>` carries
 * `<ClusterDeliveryMeta JSON>\n<frame text>`; `pp:relay:sessions` carries
 * `<SessionFanoutMeta JSON>\n<message text>` or `<SessionMembersMessage JSON>\n`. A frame rides after the
 * newline as it is, so it is never escaped again.
 */

/** A user's lease key (`pp:relay:user:<id>`): who holds the user's connection, and which one. */
export const ClusterLease = z.object({
  ...RelayOnlineUser.shape,
  // An older node may have stored something else: read as unknown.
  backendUrl: z.string().nullable().catch(null),
  node: z.string(),
  connId: z.string(),
})
export type ClusterLease = z.infer<typeof ClusterLease>

/** A user came (`online`) or went, on the node named in its lease. */
export const ClusterPresence = z.object({ online: z.boolean(), at: z.string(), lease: ClusterLease })
export type ClusterPresence = z.infer<typeof ClusterPresence>

/** The sender of a forwarded event, as the relay verified it. */
const ClusterUser = z.object({ id: z.string(), displayName: z.string() })

/** The head of a frame for a user on another node; the frame text follows the newline. */
export const ClusterDeliveryMeta = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('event'),
    /** Recipient user id. */
    to: z.string(),
    /** For an `undeliverable` back to the sender when the recipient left meanwhile. */
    eventId: z.string(),
    eventType: z.string(),
    from: ClusterUser,
    fromNode: z.string(),
  }),
  z.object({ kind: z.literal('frame'), to: z.string() }),
])
export type ClusterDeliveryMeta = z.infer<typeof ClusterDeliveryMeta>

/** Who a session-room message goes to: every member but one, or one member. */
export const Audience = z.union([z.object({ except: z.string() }), z.object({ only: z.string() })])
export type Audience = z.infer<typeof Audience>

/** A member of a session room, as the nodes tell each other. */
export const SessionMemberRef = z.object({
  sessionId: z.string(),
  userId: z.string(),
  connectedAt: z.string(),
})
export type SessionMemberRef = z.infer<typeof SessionMemberRef>

/** The head of a session-room message for members on other nodes; the message text follows the newline. */
export const SessionFanoutMeta = z.object({ sessionId: z.string(), audience: Audience, node: z.string() })
export type SessionFanoutMeta = z.infer<typeof SessionFanoutMeta>

/**
 * Session-room membership news (nothing follows the newline): one member joined or left, a node's
 * snapshot of its members, or a node asking the others for theirs. A snapshot's members are read one by
 * one: one unreadable member does not lose the others.
 */
export const SessionMembersMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('member'), node: z.string(), joined: z.boolean(), member: SessionMemberRef }),
  z.object({ kind: z.literal('members'), node: z.string(), members: z.array(z.unknown()) }),
  z.object({ kind: z.literal('members?'), node: z.string() }),
])
export type SessionMembersMessage = z.infer<typeof SessionMembersMessage>

/** A node's counters (`pp:relay:stats:<node>`), summed for cluster-wide `/health` totals. */
export const ClusterStats = z.record(z.string(), z.unknown())
