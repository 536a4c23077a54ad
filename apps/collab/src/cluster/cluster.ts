import type {
  Audience,
  ClusterDeliveryMeta,
  RelayClusterStatus,
  RelayOnlineUser,
  SessionMemberRef,
  UserRef,
} from '@pp/contracts'

/**
 * How relay nodes share the user registry, presence and routing. One node alone needs none of it (the
 * hub then routes from its own memory); with REDIS_URL the Redis implementation (redis-cluster.ts) keeps
 * a cache of who is connected where, so routing stays a synchronous map lookup on every node.
 */

/** A frame for a user on another node: `frame` is the complete frame text (an `event`, an `ack`, …). */
export type RemoteDelivery = ClusterDeliveryMeta & { frame: string }

/** What a node is told by the others. */
export interface ClusterInbox {
  /** A frame for a user connected to this node. */
  deliver(delivery: RemoteDelivery): void
  /** A user came or went on another node. */
  presence(user: UserRef, online: boolean, at: string): void
  /** The user connected again on another node: its connection here is replaced (closed with 4000). */
  claimed(userId: string, connId: string): void
}

export type ClusterStatus = RelayClusterStatus

/** A session-room message for members on other nodes (`text` is the frame as members receive it). */
export type SessionFanout = {
  sessionId: string
  text: string
  audience: Audience
}

export type RemoteSessionMember = SessionMemberRef & { node: string }

/** What the session rooms hear of members on other nodes. */
export interface SessionMembersInbox {
  /** This node's members now (sent to the other nodes as a snapshot, periodically and when asked). */
  localMembers(): SessionMemberRef[]
  /**
   * A member on another node joined or left. `unannounced`: its own node's `user:joined`/`user:left`
   * did not reach the members here (its node crashed, or Redis was away), so this node tells them.
   */
  remoteMember(member: RemoteSessionMember, joined: boolean, unannounced: boolean): void
}

export interface Cluster {
  readonly nodeId: string
  /** `stats` gives this node's counters (events routed, connections), shared for cluster-wide totals. */
  start(inbox: ClusterInbox, stats: () => Record<string, number>): Promise<void>
  stop(): Promise<void>
  /** This node now holds the user's connection `connId`. */
  announce(user: RelayOnlineUser, connId: string): void
  /** This node no longer holds the user's connection `connId`. */
  withdraw(user: UserRef, connId: string): void
  /** The user's node, if it is connected to another node. */
  locate(userId: string): { node: string; user: RelayOnlineUser } | undefined
  forward(node: string, delivery: RemoteDelivery): void
  /** Users connected to other nodes. */
  remoteUsers(): RelayOnlineUser[]
  /** Cluster-wide sums of counters, this node's own included (`local`). */
  totals(local: Record<string, number>): Promise<Record<string, number>>
  status(): ClusterStatus
  /** Sends a session-room message to the other nodes. */
  publishSession(message: SessionFanout): void
  /** Where session-room messages from other nodes go (set by the session rooms). */
  onSession(handler: (message: SessionFanout) => void): void
  /** A member of a session room on this node joined (`joined`) or left. */
  sessionMember(member: SessionMemberRef, joined: boolean): void
  /** Session-room members on other nodes (of one session, or of all), in the order they connected. */
  remoteSessionMembers(sessionId?: string): RemoteSessionMember[]
  /** Where membership news from other nodes goes (set by the session rooms). */
  onSessionMembers(inbox: SessionMembersInbox): void
}
