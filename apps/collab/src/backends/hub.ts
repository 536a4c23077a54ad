import type { Duplex } from 'node:stream'
import { CloseCode, CloseReason, type ErrorCode, type RelayOnlineUser, type UserRef } from '@pp/contracts'
import type { Logger } from 'pino'
import type { RawData, WebSocket } from 'ws'
import type { Cluster, ClusterInbox, RemoteDelivery } from '../cluster/cluster.js'
import type { RelayMetrics } from '../metrics.js'
import type { BackendIdentity } from './auth.js'
import { BackendConnection, type ConnectionOwner } from './connection.js'
import { drainSockets } from './drain.js'
import { errorFrame, parseInbound, presenceFrame, welcomeFrame } from './frames.js'
import { Lingering } from './lingering.js'
import { EXPIRY_CHECK_MS, ExpiryWatch, heartbeat } from './liveness.js'
import { PresenceFanout } from './presence.js'
import { EventRouter } from './router.js'
import { RoutingLog } from './routing-log.js'
import { listenTo } from './socket-listeners.js'
import { type RateVerdict, ReplacementBudgets } from './token-bucket.js'
import { WatchIndex } from './watch-index.js'
import { CorkedWriter } from './write-path.js'

export type HubOptions = {
  heartbeatMs: number
  ratePerSec: number
  rateBurst: number
  sendBufferLimit: number
  maxConnectionsPerUser: number
  log: Logger
  metrics: RelayMetrics
  cluster?: Cluster | undefined
}

/** A replaced or refused socket that does not finish its closing handshake is dropped after this. */
const CLOSE_GRACE_MS = 1000
/** A slow consumer gets longer: its close frame waits behind everything already buffered. */
const SLOW_CLOSE_GRACE_MS = 5000

/**
 * The relay's core for backends: who is connected, and the routing of `send`, `ack` and `watch` frames.
 * Knows nothing of Fastify; sockets come in through `attach`. Frames leave through `CorkedWriter`
 * (write-path.ts), watch lists live in `WatchIndex` (watch-index.ts), the routing log in `RoutingLog`.
 */
export class BackendHub implements ClusterInbox, ConnectionOwner {
  /** The routing connection of each user on this node. */
  readonly #active = new Map<string, BackendConnection>()
  readonly #lingering = new Lingering()
  readonly #replacements = new ReplacementBudgets()
  readonly #expiry = new ExpiryWatch()
  #expiryCheck: NodeJS.Timeout | undefined
  readonly #watches = new WatchIndex()
  readonly #writer: CorkedWriter
  readonly #router: EventRouter
  readonly #presence: PresenceFanout
  readonly #opts: HubOptions
  readonly #log: Logger
  readonly #m: RelayMetrics
  readonly #cluster: Cluster | undefined
  #heartbeat: NodeJS.Timeout | undefined
  #draining = false
  #drained: Promise<void> | undefined
  connectionsAccepted = 0

  constructor(opts: HubOptions) {
    this.#opts = opts
    this.#log = opts.log
    this.#m = opts.metrics
    this.#cluster = opts.cluster
    this.#writer = new CorkedWriter(opts.sendBufferLimit, (conn) => {
      this.#log.warn(
        { user: conn.user.id, buffered: conn.socket.bufferedAmount },
        `${conn.user.displayName} is not reading (send buffer full); closing`,
      )
      this.#close(conn, CloseCode.TRY_AGAIN_LATER, 'send buffer full', SLOW_CLOSE_GRACE_MS)
    })
    this.#presence = new PresenceFanout({
      active: (userId) => this.#active.get(userId),
      elsewhere: (userId) => this.#cluster?.locate(userId)?.user,
      watches: this.#watches,
      writer: this.#writer,
      log: opts.log,
    })
    this.#router = new EventRouter({
      active: (userId) => this.#active.get(userId),
      cluster: opts.cluster,
      writer: this.#writer,
      watches: this.#watches,
      routing: new RoutingLog(opts.log, opts.metrics),
      metrics: opts.metrics,
    })
  }

  start(): void {
    this.#heartbeat = setInterval(() => this.#beat(), this.#opts.heartbeatMs)
    this.#heartbeat.unref()
    this.#expiryCheck = setInterval(() => this.#checkExpiry(Date.now()), EXPIRY_CHECK_MS)
    this.#expiryCheck.unref()
  }

  // ---- registry ------------------------------------------------------------

  /** For the shared socket listeners. */
  get log(): Logger {
    return this.#log
  }

  /** `event` frames handed to a recipient's socket on this node. */
  get eventsRouted(): number {
    return this.#router.eventsRouted
  }

  get activeUsers(): number {
    return this.#active.size
  }

  get openSockets(): number {
    return this.#active.size + this.#lingering.size
  }

  /** True once `drain` has begun: new backend sockets are refused (503). */
  get draining(): boolean {
    return this.#draining
  }

  /** Users connected to this node. */
  localUsers(): RelayOnlineUser[] {
    return [...this.#active.values()].map((c) => c.info)
  }

  /** Users connected anywhere in the cluster. */
  onlineUsers(): RelayOnlineUser[] {
    const here = this.localUsers()
    if (this.#cluster === undefined) return here
    const seen = new Set(here.map((u) => u.id))
    return [...here, ...this.#cluster.remoteUsers().filter((u) => !seen.has(u.id))]
  }

  /**
   * Whether a new connection of `userId` may be attached now: not while draining, not over the
   * per-user limit, and not when it would replace the user's link more often than the budget allows.
   */
  admit(userId: string): 'ok' | 'too_many_connections' | 'replaced_too_often' {
    if (this.#draining) return 'too_many_connections'
    const active = this.#active.has(userId)
    const n = (active ? 1 : 0) + this.#lingering.of(userId)
    if (n > this.#opts.maxConnectionsPerUser) return 'too_many_connections'
    if (!active) return 'ok'
    if (this.#replacements.take(userId)) {
      this.#m.replacements.labels('replaced').inc()
      return 'ok'
    }
    this.#m.replacements.labels('refused').inc()
    return 'replaced_too_often'
  }

  // ---- connections ---------------------------------------------------------

  /**
   * Takes an upgraded backend socket into the hub. `raw` is its TCP socket: frames routed to it are
   * corked there until the current turn of the event loop ends, so a burst leaves in one write.
   */
  attach(
    socket: WebSocket,
    identity: BackendIdentity,
    backendUrl: string | null,
    raw: Duplex,
  ): BackendConnection {
    const conn = new BackendConnection(this, socket, raw, identity.user, identity.expiresAt, backendUrl, {
      perSec: this.#opts.ratePerSec,
      burst: this.#opts.rateBurst,
    })
    const userId = conn.user.id
    this.connectionsAccepted++
    this.#m.backendConnectionsTotal.inc()

    listenTo(socket, conn)
    this.#expiry.note(conn.expiresAt)

    const previous = this.#active.get(userId)
    this.#active.set(userId, conn)
    if (previous !== undefined) this.#lingering.add(previous)
    this.#m.backendConnections.set(this.openSockets)
    conn.send(welcomeFrame(conn.user, this.#opts.heartbeatMs))
    if (previous !== undefined) {
      this.#watches.unwatchAll(previous)
      this.#close(previous, CloseCode.REPLACED, CloseReason[CloseCode.REPLACED], CLOSE_GRACE_MS)
      this.#log.info({ user: userId }, `${conn.user.displayName} reconnected; previous connection replaced`)
    } else {
      this.#log.info(
        { user: userId, backendUrl, node: this.#cluster?.nodeId },
        `${conn.user.displayName} connected`,
      )
    }
    // Watchers hear of every connect, a replacement included: they flush their outbox to it on this.
    this.#announce(conn)
    return conn
  }

  #announce(conn: BackendConnection): void {
    this.#presence.arrived(conn)
    this.#cluster?.announce(conn.info, conn.connId)
  }

  /** Closes (4001) every connection whose token expired more than the leeway ago. */
  #checkExpiry(now: number): void {
    for (const conn of this.#expiry.expired(now, this.#active.values())) {
      this.#log.info({ user: conn.user.id }, `${conn.user.displayName}'s token expired; closing`)
      this.#close(conn, CloseCode.TOKEN_EXPIRED, CloseReason[CloseCode.TOKEN_EXPIRED], CLOSE_GRACE_MS)
    }
  }

  /** Stops routing to `conn` and closes it; it is dropped if it has not closed after `graceMs`. */
  #close(conn: BackendConnection, code: number, reason: string, graceMs: number): void {
    if (conn.closing) return
    conn.closing = true
    this.#m.closes.labels(String(code)).inc()
    this.#detach(conn)
    this.#lingering.add(conn)
    try {
      conn.socket.close(code, reason)
    } catch {
      conn.socket.terminate()
      return
    }
    setTimeout(() => {
      if (conn.socket.readyState !== 3) conn.socket.terminate()
    }, graceMs).unref()
  }

  /** Takes `conn` out of routing; watchers hear it went offline if it was the user's active one. */
  #detach(conn: BackendConnection): void {
    // Who heard it was online (the watchers it watches back) hears it went: read before unwatching.
    const watchedBack = conn.watching
    this.#watches.unwatchAll(conn)
    this.#watches.forgetAwaiting(conn)
    const userId = conn.user.id
    if (this.#active.get(userId) !== conn) return
    this.#active.delete(userId)
    this.#replacements.delete(userId)
    this.#lingering.add(conn)
    this.#log.info({ user: userId }, `${conn.user.displayName} disconnected`)
    this.#cluster?.withdraw(conn.user, conn.connId)
    // Online on another node already (it moved): its watchers here keep seeing it online.
    if (this.#cluster?.locate(userId) !== undefined) return
    this.#presence.notify(userId, presenceFrame(conn.userJson, false, new Date().toISOString()), watchedBack)
  }

  /** The socket's 'close' listener. */
  onClose(conn: BackendConnection, code: number): void {
    this.#log.debug({ user: conn.user.id, code }, 'backend socket closed')
    conn.closing = true
    conn.closed = true
    this.#detach(conn)
    this.#lingering.delete(conn)
    this.#m.backendConnections.set(this.openSockets)
  }

  /** Every socket not closed yet: the routed ones, then those still closing. */
  *#allSockets(): Generator<BackendConnection> {
    yield* this.#active.values()
    yield* this.#lingering.values()
  }

  #beat(): void {
    for (const conn of heartbeat([...this.#allSockets()])) {
      this.#log.info({ user: conn.user.id }, `${conn.user.displayName} missed two pongs; terminating`)
      conn.closing = true
      this.#detach(conn)
      conn.socket.terminate()
    }
  }

  // ---- frames --------------------------------------------------------------

  /** The socket's 'message' listener. */
  onMessage(conn: BackendConnection, data: RawData, isBinary: boolean): void {
    if (conn.closing) return
    if (isBinary) {
      this.#close(conn, CloseCode.UNSUPPORTED_DATA, 'text frames only', CLOSE_GRACE_MS)
      return
    }
    const verdict = conn.rate.check()
    if (verdict !== 'pass') {
      this.#rateLimited(conn, verdict)
      return
    }
    const text = typeof data === 'string' ? data : data.toString()
    const parsed = parseInbound(text)
    if (!parsed.ok) {
      this.#sendError(conn, parsed.code, parsed.message, parsed.ref)
      return
    }
    const frame = parsed.frame
    try {
      switch (frame.type) {
        case 'send':
          this.#router.send(conn, frame, parsed.eventJson)
          return
        case 'ack':
          this.#router.ack(conn, frame)
          return
        case 'watch':
          this.#presence.watch(conn, frame)
          return
      }
    } catch (err) {
      // No frame ends the process: whatever slipped past the edge's checks is refused like a bad frame,
      // and the connection and its peers carry on.
      this.#log.error({ err, user: conn.user.id, type: frame.type }, 'frame handling failed; refused')
      this.#sendError(
        conn,
        'invalid_frame',
        'frame could not be handled',
        'id' in frame ? frame.id : undefined,
      )
    }
  }

  #rateLimited(conn: BackendConnection, verdict: Exclude<RateVerdict, 'pass'>): void {
    if (verdict === 'warn')
      this.#sendError(
        conn,
        'rate_limited',
        `over ${this.#opts.ratePerSec} frames/s: frame dropped; slow down`,
      )
    else if (verdict === 'close') {
      this.#log.warn(
        { user: conn.user.id },
        `${conn.user.displayName} kept exceeding the rate limit; closing`,
      )
      this.#close(conn, CloseCode.POLICY_VIOLATION, 'rate limit exceeded', CLOSE_GRACE_MS)
    }
  }

  #sendError(conn: BackendConnection, code: ErrorCode, message: string, ref?: string): void {
    this.#m.errors.labels(code).inc()
    this.#log.debug({ user: conn.user.id, code, ref }, `frame refused: ${message}`)
    this.#writer.send(conn, errorFrame(code, message, ref))
  }

  // ---- from other nodes ------------------------------------------------------

  deliver(delivery: RemoteDelivery): void {
    this.#router.deliver(delivery)
  }

  presence(user: UserRef, online: boolean, at: string): void {
    if (this.#active.has(user.id)) return // this node is the authority for its own users
    this.#presence.notify(user.id, presenceFrame(JSON.stringify(user), online, at))
  }

  claimed(userId: string, connId: string): void {
    const conn = this.#active.get(userId)
    if (conn === undefined || conn.connId === connId) return
    this.#log.info({ user: userId }, `${conn.user.displayName} connected to another node; replacing`)
    // Detach without telling watchers it went offline: the user is online elsewhere.
    this.#active.delete(userId)
    this.#replacements.delete(userId)
    this.#close(conn, CloseCode.REPLACED, CloseReason[CloseCode.REPLACED], CLOSE_GRACE_MS)
  }

  // ---- shutdown ------------------------------------------------------------

  /**
   * Graceful stop: `drain` to every backend, then close 1001 once they are gone or after `closeAfterMs`,
   * and wait (at most `closeAfterMs` more) for the sockets to finish closing.
   */
  drain(closeAfterMs: number): Promise<void> {
    this.#drained ??= this.#drain(closeAfterMs)
    return this.#drained
  }

  async #drain(closeAfterMs: number): Promise<void> {
    this.#draining = true
    clearInterval(this.#heartbeat)
    clearInterval(this.#expiryCheck)
    await drainSockets(closeAfterMs, {
      sockets: () => [...this.#allSockets()],
      open: () => this.openSockets,
      close: (conn, graceMs) => this.#close(conn, CloseCode.GOING_AWAY, 'relay shutting down', graceMs),
    })
  }
}
