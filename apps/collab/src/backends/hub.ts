import type { Duplex } from 'node:stream'
import { CloseCode, CloseReason, type RelayOnlineUser, type UserRef } from '@pp/contracts'
import type { Logger } from 'pino'
import type { RawData, WebSocket } from 'ws'
import type { Cluster, ClusterInbox, RemoteDelivery } from '../cluster/cluster.js'
import type { RelayMetrics } from '../metrics.js'
import { Admission, type AdmitVerdict } from './admission.js'
import type { BackendIdentity } from './auth.js'
import { CLOSE_GRACE_MS, closeWithGrace, SLOW_CLOSE_GRACE_MS } from './closing.js'
import { BackendConnection, type ConnectionOwner } from './connection.js'
import { drainSockets } from './drain.js'
import { parseInbound, presenceFrame, welcomeFrame } from './frames.js'
import { Lingering } from './lingering.js'
import { ExpiryWatch, heartbeat, LivenessTimers } from './liveness.js'
import { PresenceFanout } from './presence.js'
import { Refusals } from './refusals.js'
import { EventRouter } from './router.js'
import { RoutingLog } from './routing-log.js'
import { listenTo } from './socket-listeners.js'
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

/**
 * The relay's core for backends: who is connected, and the routing of `send`, `ack` and `watch` frames.
 * Knows nothing of Fastify; sockets come in through `attach`. Frames leave through `CorkedWriter`
 * (write-path.ts), watch lists live in `WatchIndex` (watch-index.ts), the routing log in `RoutingLog`.
 */
export class BackendHub implements ClusterInbox, ConnectionOwner {
  /** The routing connection of each user on this node. */
  readonly #active = new Map<string, BackendConnection>()
  readonly #lingering = new Lingering()
  readonly #admission: Admission
  readonly #expiry = new ExpiryWatch()
  readonly #timers = new LivenessTimers()
  readonly #watches = new WatchIndex()
  readonly #writer: CorkedWriter
  readonly #router: EventRouter
  readonly #presence: PresenceFanout
  readonly #refusals: Refusals
  readonly #opts: HubOptions
  readonly #log: Logger
  readonly #m: RelayMetrics
  readonly #cluster: Cluster | undefined
  #draining = false
  #drained: Promise<void> | undefined
  connectionsAccepted = 0

  constructor(opts: HubOptions) {
    this.#opts = opts
    this.#log = opts.log
    this.#m = opts.metrics
    this.#cluster = opts.cluster
    this.#admission = new Admission(opts.maxConnectionsPerUser, opts.metrics)
    this.#writer = new CorkedWriter(opts.sendBufferLimit, (conn) => {
      this.#log.warn(
        { user: conn.user.id, buffered: conn.socket.bufferedAmount },
        `${conn.user.displayName} is not reading (send buffer full); closing`,
      )
      this.#close(conn, CloseCode.TRY_AGAIN_LATER, 'send buffer full', SLOW_CLOSE_GRACE_MS)
    })
    this.#refusals = new Refusals(this.#writer, opts.metrics, opts.log, opts.ratePerSec)
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
    this.#timers.start(
      this.#opts.heartbeatMs,
      () => this.#beat(),
      (now) => this.#checkExpiry(now),
    )
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

  /** Whether a new connection of `userId` may be attached now: never while draining (admission.ts). */
  admit(userId: string): AdmitVerdict {
    if (this.#draining) return 'too_many_connections'
    return this.#admission.admit(userId, this.#active.has(userId), this.#lingering.of(userId))
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
    closeWithGrace(conn.socket, code, reason, graceMs)
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
    this.#admission.forget(userId)
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
      if (this.#refusals.rateLimited(conn, verdict))
        this.#close(conn, CloseCode.POLICY_VIOLATION, 'rate limit exceeded', CLOSE_GRACE_MS)
      return
    }
    const text = typeof data === 'string' ? data : data.toString()
    const parsed = parseInbound(text)
    if (!parsed.ok) {
      this.#refusals.error(conn, parsed.code, parsed.message, parsed.ref)
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
      this.#refusals.failed(conn, frame, err)
    }
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
    this.#admission.forget(userId)
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
    this.#timers.stop()
    await drainSockets(closeAfterMs, {
      sockets: () => [...this.#allSockets()],
      open: () => this.openSockets,
      close: (conn, graceMs) => this.#close(conn, CloseCode.GOING_AWAY, 'relay shutting down', graceMs),
    })
  }
}
