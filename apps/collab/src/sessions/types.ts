import type { Audience, SessionMemberRef, SessionSummary } from '@pp/contracts'
import type { SessionRooms, SessionTransport } from './rooms.js'

/** The session hub's parts and what it offers: see hub.ts. */

/** The part of a pino logger the hub uses. */
export interface SessionLog {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

/** Counters the hub reports to (Prometheus in the relay; nothing in unit tests). */
export interface SessionMetricsSink {
  connectionOpened(): void
  messageReceived(kind: 'ping' | 'broadcast' | 'sync' | 'error'): void
  messagesSent(n: number): void
  closed(code: number): void
  /** A message dropped by the rate limit. */
  rateLimited(): void
}

export type SessionHubOptions = {
  /** A client that sends nothing for this long is closed with 1001. */
  idleTimeoutMs: number
  /** How long a member has to answer `sync:request` before the next one is asked. */
  syncTimeoutMs: number
  maxMessageBytes: number
  /** The interval clients are told to send `{"type":"ping"}` at. */
  heartbeatIntervalMs: number
  log: SessionLog
  rooms?: SessionRooms
  /** Scale-out: hands every delivered message to the other relay nodes (see cluster/redis-cluster.ts). */
  fanout?: (sessionId: string, text: string, audience: Audience) => void
  /** Scale-out: the members of the same rooms on other relay nodes, and news of this node's. */
  remote?: RemoteMembers
  metrics?: SessionMetricsSink
  now?: () => Date
}

export interface RemoteMembers {
  /** Members of the session (or of every session) on other nodes, in the order they connected. */
  members(sessionId?: string): readonly SessionMemberRef[]
  /** A member on this node joined or left. */
  announce(member: SessionMemberRef, joined: boolean): void
}

/** What the hub needs to hear about one socket. */
export interface SessionConnection {
  readonly sessionId: string
  readonly userId: string
  /** A text frame arrived. */
  text(data: string): void
  /** A binary frame arrived: answered with an error frame, the connection stays open. */
  binary(): void
  /** Any other sign of life (a protocol ping from the client). */
  activity(): void
  /** The socket closed (for any reason). */
  closed(code: number): void
}

export type SessionStats = {
  sessions: number
  connections: number
  messagesReceived: number
  messagesRouted: number
}

export interface SessionHub {
  connect(sessionId: string, userId: string, transport: SessionTransport): SessionConnection
  /**
   * The one way a message reaches members of a session. A shared (multi-node) implementation
   * would publish here as well as deliver locally.
   */
  deliver(sessionId: string, message: object, audience: Audience): number
  /** Delivers an already serialized message to this node's members (messages from other nodes). */
  deliverText(sessionId: string, text: string, audience: Audience): number
  /**
   * A message from another node for members here. A `sync:state` is delivered only if this node asked
   * its sender for it (the requester's node keeps the sync; the answerer's node only forwards).
   */
  remoteText(sessionId: string, text: string, audience: Audience): number
  /** Every member on this node. */
  localMembers(): SessionMemberRef[]
  /**
   * A member on another node joined or left; `unannounced` when its node's own `user:joined` /
   * `user:left` did not reach the members here (the node went silent, or Redis was away), so the hub
   * tells them. A newer connection of a user elsewhere replaces the one here (4000).
   */
  remoteMember(member: SessionMemberRef, joined: boolean, unannounced: boolean): void
  list(): SessionSummary[]
  /** A connection of `userId` is a member of `sessionId` on this node. */
  isConnected(sessionId: string, userId: string): boolean
  stats(): SessionStats
  /** Closes every connection (e.g. 1001 on shutdown). */
  closeAll(code: number, reason: string): void
  openConnections(): number
  stop(): void
}
