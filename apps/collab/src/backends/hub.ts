import { CloseCode, CloseReason, type ErrorCode, type UserRef } from '@pp/contracts'
import type { Logger } from 'pino'
import type { RawData, WebSocket } from 'ws'
import type { Cluster, ClusterInbox, OnlineUser, RemoteDelivery } from '../cluster/cluster.js'
import type { RelayMetrics } from '../metrics.js'
import type { BackendIdentity } from './auth.js'
import { BackendConnection } from './connection.js'
import {
  ackByFrame,
  DRAIN_FRAME,
  errorFrame,
  eventFrame,
  type InboundAck,
  type InboundSend,
  type InboundWatch,
  parseInbound,
  presenceFrame,
  undeliverableFrame,
  welcomeFrame,
} from './frames.js'

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
/** A rate-limit episode ends after this long with no frame dropped. */
const RATE_EPISODE_MS = 1000
/** A slow consumer gets longer: its close frame waits behind everything already buffered. */
const SLOW_CLOSE_GRACE_MS = 5000
/** setTimeout's limit; a token expiring later is checked again then. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * The relay's core for backends: who is connected, who watches whom, and the routing of `send` and
 * `ack` frames. Knows nothing of Fastify; sockets come in through `attach`.
 */
export class BackendHub implements ClusterInbox {
  /** The routing connection of each user on this node. */
  readonly #active = new Map<string, BackendConnection>()
  /** Every socket of a user not yet closed (the active one, and replaced ones still closing). */
  readonly #sockets = new Map<string, Set<BackendConnection>>()
  /** Sockets in `#sockets`, kept as they are added and removed (a recount would cost O(n) per change). */
  #openSockets = 0
  /** Watched user id → the local connections watching it. */
  readonly #watchers = new Map<string, Set<BackendConnection>>()
  readonly #opts: HubOptions
  readonly #log: Logger
  readonly #m: RelayMetrics
  readonly #cluster: Cluster | undefined
  #heartbeat: NodeJS.Timeout | undefined
  #infoLogs: boolean
  #draining = false
  #drained: Promise<void> | undefined
  /** `event` frames handed to a recipient's socket on this node. */
  eventsRouted = 0
  connectionsAccepted = 0

  constructor(opts: HubOptions) {
    this.#opts = opts
    this.#log = opts.log
    this.#m = opts.metrics
    this.#cluster = opts.cluster
    this.#infoLogs = opts.log.isLevelEnabled('info')
  }

  start(): void {
    this.#heartbeat = setInterval(() => this.#beat(), this.#opts.heartbeatMs)
    this.#heartbeat.unref()
  }

  // ---- registry ------------------------------------------------------------

  get activeUsers(): number {
    return this.#active.size
  }

  get openSockets(): number {
    return this.#openSockets
  }

  /** Users connected to this node. */
  localUsers(): OnlineUser[] {
    return [...this.#active.values()].map((c) => c.info)
  }

  /** Users connected anywhere in the cluster. */
  onlineUsers(): OnlineUser[] {
    const here = this.localUsers()
    if (this.#cluster === undefined) return here
    const seen = new Set(here.map((u) => u.id))
    return [...here, ...this.#cluster.remoteUsers().filter((u) => !seen.has(u.id))]
  }

  #isOnline(userId: string): OnlineUser | undefined {
    return this.#active.get(userId)?.info ?? this.#cluster?.locate(userId)?.user
  }

  /** False when the user already holds as many sockets as allowed plus the one that may replace them. */
  canAccept(userId: string): boolean {
    if (this.#draining) return false
    const n = this.#sockets.get(userId)?.size ?? 0
    return n <= this.#opts.maxConnectionsPerUser
  }

  // ---- connections ---------------------------------------------------------

  attach(socket: WebSocket, identity: BackendIdentity, backendUrl: string | null): BackendConnection {
    const conn = new BackendConnection(socket, identity.user, identity.expiresAt, backendUrl, {
      perSec: this.#opts.ratePerSec,
      burst: this.#opts.rateBurst,
    })
    const userId = conn.user.id
    let sockets = this.#sockets.get(userId)
    if (sockets === undefined) {
      sockets = new Set()
      this.#sockets.set(userId, sockets)
    }
    sockets.add(conn)
    this.#openSockets++
    this.connectionsAccepted++
    this.#m.backendConnectionsTotal.inc()
    this.#m.backendConnections.set(this.openSockets)

    socket.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(conn, data, isBinary))
    socket.on('pong', () => {
      conn.missedPongs = 0
    })
    socket.on('close', (code: number) => this.#onClose(conn, code))
    socket.on('error', (err: Error) => {
      this.#log.debug({ user: conn.user.id, err: err.message }, 'backend socket error')
    })
    this.#armExpiry(conn)

    const previous = this.#active.get(userId)
    this.#active.set(userId, conn)
    conn.send(welcomeFrame(conn.user, this.#opts.heartbeatMs))
    if (previous !== undefined) {
      this.#unwatchAll(previous)
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
    const at = new Date().toISOString()
    this.#notifyWatchers(conn.user.id, presenceFrame(conn.userJson, true, at))
    this.#cluster?.announce(conn.info, conn.connId)
  }

  #armExpiry(conn: BackendConnection): void {
    const delay = conn.expiresAt + 30_000 - Date.now()
    conn.expiryTimer = setTimeout(
      () => {
        if (Date.now() >= conn.expiresAt + 30_000) {
          this.#log.info({ user: conn.user.id }, `${conn.user.displayName}'s token expired; closing`)
          this.#close(conn, CloseCode.TOKEN_EXPIRED, CloseReason[CloseCode.TOKEN_EXPIRED], CLOSE_GRACE_MS)
        } else {
          this.#armExpiry(conn)
        }
      },
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    )
    conn.expiryTimer.unref()
  }

  /** Stops routing to `conn` and closes it; it is dropped if it has not closed after `graceMs`. */
  #close(conn: BackendConnection, code: number, reason: string, graceMs: number): void {
    if (conn.closing) return
    conn.closing = true
    this.#m.closes.labels(String(code)).inc()
    this.#detach(conn)
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
    clearTimeout(conn.expiryTimer)
    this.#unwatchAll(conn)
    const userId = conn.user.id
    if (this.#active.get(userId) !== conn) return
    this.#active.delete(userId)
    this.#log.info({ user: userId }, `${conn.user.displayName} disconnected`)
    this.#cluster?.withdraw(conn.user, conn.connId)
    // Online on another node already (it moved): its watchers here keep seeing it online.
    if (this.#cluster?.locate(userId) !== undefined) return
    this.#notifyWatchers(userId, presenceFrame(conn.userJson, false, new Date().toISOString()))
  }

  #onClose(conn: BackendConnection, code: number): void {
    this.#log.debug({ user: conn.user.id, code }, 'backend socket closed')
    conn.closing = true
    this.#detach(conn)
    const sockets = this.#sockets.get(conn.user.id)
    if (sockets?.delete(conn)) {
      this.#openSockets--
      if (sockets.size === 0) this.#sockets.delete(conn.user.id)
    }
    this.#m.backendConnections.set(this.openSockets)
  }

  #beat(): void {
    for (const sockets of this.#sockets.values()) {
      for (const conn of sockets) {
        if (conn.missedPongs >= 2) {
          this.#log.info({ user: conn.user.id }, `${conn.user.displayName} missed two pongs; terminating`)
          conn.closing = true
          this.#detach(conn)
          conn.socket.terminate()
          continue
        }
        conn.missedPongs++
        try {
          conn.socket.ping()
        } catch {
          // a socket that is closing cannot be pinged; its close handler cleans up
        }
      }
    }
  }

  // ---- frames --------------------------------------------------------------

  #onMessage(conn: BackendConnection, data: RawData, isBinary: boolean): void {
    if (conn.closing) return
    if (isBinary) {
      this.#close(conn, CloseCode.UNSUPPORTED_DATA, 'text frames only', CLOSE_GRACE_MS)
      return
    }
    if (!conn.bucket.take()) {
      this.#rateLimited(conn)
      return
    }
    const text = typeof data === 'string' ? data : data.toString()
    const parsed = parseInbound(text)
    if (!parsed.ok) {
      this.#sendError(conn, parsed.code, parsed.message, parsed.ref)
      return
    }
    const frame = parsed.frame
    switch (frame.type) {
      case 'send':
        this.#onSend(conn, frame, parsed.eventJson)
        return
      case 'ack':
        this.#onAck(conn, frame)
        return
      case 'watch':
        this.#onWatch(conn, frame)
        return
    }
  }

  #rateLimited(conn: BackendConnection): void {
    const now = Date.now()
    // An episode ends after a second with nothing dropped, not at the first frame the bucket lets
    // through: a flood over the rate gets a frame through every few refills and would never be closed.
    if (!conn.limited || now - conn.lastDropAt > RATE_EPISODE_MS) {
      conn.limited = true
      conn.dropped = 0
      conn.lastDropAt = now
      this.#sendError(
        conn,
        'rate_limited',
        `over ${this.#opts.ratePerSec} frames/s: frame dropped; slow down`,
      )
      return
    }
    conn.lastDropAt = now
    conn.dropped++
    // It goes on: more than a second's worth of frames dropped after the warning.
    if (conn.dropped >= Math.min(this.#opts.ratePerSec, this.#opts.rateBurst)) {
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
    this.#sendTo(conn, errorFrame(code, message, ref))
  }

  /** Sends to a connection, closing it with 1013 when its send buffer passes the limit. */
  #sendTo(conn: BackendConnection, text: string | Buffer): void {
    if (conn.closing) return
    if (conn.send(text) > this.#opts.sendBufferLimit) {
      this.#log.warn(
        { user: conn.user.id, buffered: conn.socket.bufferedAmount },
        `${conn.user.displayName} is not reading (send buffer full); closing`,
      )
      this.#close(conn, CloseCode.TRY_AGAIN_LATER, 'send buffer full', SLOW_CLOSE_GRACE_MS)
    }
  }

  #routed(type: string, outcome: 'delivered' | 'offline', n = 1): void {
    const key = outcome === 'delivered' ? type : `${type}\u0000offline`
    const entry = this.#m.routedCounts.get(key)
    if (entry !== undefined) entry.n += n
    else this.#m.routedCounts.set(key, { type, outcome, n })
  }

  #onSend(conn: BackendConnection, frame: InboundSend, eventJson: string | undefined): void {
    const started = performance.now()
    const type = frame.event.type
    const out = eventFrame(frame.id, conn.userJson, frame.event, eventJson)
    const to = frame.to
    // Encoded once for all recipients (ws would encode a string again for each socket).
    const payload = to.length > 1 ? Buffer.from(out) : out
    let delivered = 0
    let forwarded = 0
    for (let i = 0; i < to.length; i++) {
      const recipient = to[i] as string
      const target = this.#active.get(recipient)
      if (target !== undefined) {
        this.#sendTo(target, payload)
        delivered++
        if (this.#infoLogs) this.#logRouted(type, frame.id, conn.user, target.user, 'delivered')
        continue
      }
      const remote = this.#cluster?.locate(recipient)
      if (remote !== undefined && this.#cluster !== undefined) {
        this.#cluster.forward(remote.node, {
          kind: 'event',
          to: recipient,
          frame: out,
          eventId: frame.id,
          eventType: type,
          from: conn.user,
          fromNode: this.#cluster.nodeId,
        })
        forwarded++
        if (this.#infoLogs)
          this.#logRouted(type, frame.id, conn.user, remote.user, `delivered via ${remote.node}`)
        continue
      }
      this.#sendTo(conn, undeliverableFrame(frame.id, recipient))
      this.#m.undeliverable.inc()
      this.#routed(type, 'offline')
      if (this.#infoLogs) this.#logRouted(type, frame.id, conn.user, { id: recipient }, 'offline')
    }
    this.eventsRouted += delivered
    if (delivered + forwarded > 0) this.#routed(type, 'delivered', delivered + forwarded)
    this.#m.routingLatency.observe((performance.now() - started) / 1000)
  }

  #logRouted(
    type: string,
    id: string,
    from: UserRef,
    to: { id: string; displayName?: string },
    outcome: string,
  ): void {
    this.#log.info(
      { event: type, id, from: from.id, to: to.id },
      `${type} event routed from ${from.displayName} to ${to.displayName ?? to.id} (${outcome})`,
    )
    // The testing guide's second line ("Delivered to User B").
    if (outcome !== 'offline') {
      this.#log.info({ event: type, id, to: to.id }, `Delivered to ${to.displayName ?? to.id}`)
    }
  }

  #onAck(conn: BackendConnection, frame: InboundAck): void {
    const text = ackByFrame(frame.id, conn.user.id)
    this.#m.acks.inc()
    const target = this.#active.get(frame.to)
    if (target !== undefined) {
      this.#sendTo(target, text)
      return
    }
    const remote = this.#cluster?.locate(frame.to)
    if (remote !== undefined)
      this.#cluster?.forward(remote.node, { kind: 'frame', to: frame.to, frame: text })
    // The sender is offline: it sends the event again later and the duplicate is acked again.
  }

  #onWatch(conn: BackendConnection, frame: InboundWatch): void {
    this.#unwatchAll(conn)
    const ids = [...new Set(frame.userIds)]
    conn.watching = ids
    const at = new Date().toISOString()
    for (const id of ids) {
      let set = this.#watchers.get(id)
      if (set === undefined) {
        set = new Set()
        this.#watchers.set(id, set)
      }
      set.add(conn)
      const there = this.#isOnline(id)
      if (there !== undefined) {
        this.#sendTo(
          conn,
          presenceFrame(JSON.stringify({ id: there.id, displayName: there.displayName }), true, at),
        )
      }
    }
    this.#log.debug({ user: conn.user.id, watching: ids.length }, 'watch list set')
  }

  #unwatchAll(conn: BackendConnection): void {
    for (const id of conn.watching) {
      const set = this.#watchers.get(id)
      if (set === undefined) continue
      set.delete(conn)
      if (set.size === 0) this.#watchers.delete(id)
    }
    conn.watching = []
  }

  #notifyWatchers(userId: string, frame: string): void {
    const set = this.#watchers.get(userId)
    if (set === undefined) return
    for (const watcher of set) this.#sendTo(watcher, frame)
  }

  // ---- from other nodes ------------------------------------------------------

  deliver(delivery: RemoteDelivery): void {
    const target = this.#active.get(delivery.to)
    if (target !== undefined) {
      this.#sendTo(target, delivery.frame)
      if (delivery.kind === 'event') this.eventsRouted++
      return
    }
    if (delivery.kind === 'event' && this.#cluster !== undefined) {
      // The recipient left between the sender's lookup and now: tell the sender.
      this.#cluster.forward(delivery.fromNode, {
        kind: 'frame',
        to: delivery.from.id,
        frame: undeliverableFrame(delivery.eventId, delivery.to),
      })
    }
  }

  presence(user: UserRef, online: boolean, at: string): void {
    if (this.#active.has(user.id)) return // this node is the authority for its own users
    this.#notifyWatchers(user.id, presenceFrame(JSON.stringify(user), online, at))
  }

  claimed(userId: string, connId: string): void {
    const conn = this.#active.get(userId)
    if (conn === undefined || conn.connId === connId) return
    this.#log.info({ user: userId }, `${conn.user.displayName} connected to another node; replacing`)
    // Detach without telling watchers it went offline: the user is online elsewhere.
    this.#active.delete(userId)
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
    const all = [...this.#sockets.values()].flatMap((s) => [...s])
    for (const conn of all) {
      if (!conn.closing) {
        try {
          conn.socket.send(DRAIN_FRAME)
        } catch {
          // closing already
        }
      }
    }
    await this.#waitClosed(closeAfterMs)
    for (const sockets of this.#sockets.values()) {
      for (const conn of sockets) this.#close(conn, CloseCode.GOING_AWAY, 'relay shutting down', closeAfterMs)
    }
    await this.#waitClosed(closeAfterMs)
    for (const sockets of this.#sockets.values()) for (const conn of sockets) conn.socket.terminate()
  }

  async #waitClosed(limitMs: number): Promise<void> {
    const deadline = Date.now() + limitMs
    while (this.#sockets.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
    }
  }
}
