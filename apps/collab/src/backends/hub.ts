import type { Duplex } from 'node:stream'
import { CloseCode, CloseReason, type ErrorCode, type UserRef } from '@pp/contracts'
import { contextFrom, SpanKind, startSpan, traceparentOf, tracingOn } from '@pp/telemetry'
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
import { type RateVerdict, TokenBucket } from './token-bucket.js'
import { textFrame } from './wire.js'

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
/**
 * How often one user's link may be replaced by a new connection: a backend that reconnects over a
 * half-open link replaces it once; two holders of one user's token taking turns do it all the time.
 */
const REPLACEMENTS_BURST = 6
const REPLACEMENTS_PER_SEC = 1 / 10
/** Offline users one backend can be waiting for (it hears once when each comes online). */
const MAX_AWAITING = 10_000
/** A slow consumer gets longer: its close frame waits behind everything already buffered. */
const SLOW_CLOSE_GRACE_MS = 5000
/** A connection is closed this long after its token's `exp` (the same leeway the upgrade allows). */
const EXPIRY_LEEWAY_MS = 30_000
/** How often token expiry is checked (one timer for the whole hub, not one per connection). */
const EXPIRY_CHECK_MS = 1000

/** The hub's connection on a backend `WebSocket`, so the listeners can be shared by every socket. */
const CONN = Symbol('backendConnection')
type HubSocket = WebSocket & { [CONN]?: BackendConnection }

/**
 * The relay's core for backends: who is connected, who watches whom, and the routing of `send` and
 * `ack` frames. Knows nothing of Fastify; sockets come in through `attach`.
 */
export class BackendHub implements ClusterInbox {
  /** The routing connection of each user on this node. */
  readonly #active = new Map<string, BackendConnection>()
  /** Sockets taken out of routing (replaced, refused, expired) whose close has not finished yet. */
  readonly #lingering = new Set<BackendConnection>()
  /** Per user, how many of `#lingering` are theirs (users with none have no entry). */
  readonly #lingeringPerUser = new Map<string, number>()
  /** User id → its replacement budget, while it has an active connection here. */
  readonly #replacements = new Map<string, TokenBucket>()
  /** Sockets corked this turn of the event loop: their frames go out in one write when it ends. */
  #corked: BackendConnection[] = []
  /** The earliest token expiry (ms since the epoch) among the connections; a check before it is skipped. */
  #nextExpiry = Number.POSITIVE_INFINITY
  #expiryCheck: NodeJS.Timeout | undefined
  /** Watched user id → the local connections watching it. */
  readonly #watchers = new Map<string, Set<BackendConnection>>()
  /** Offline user id → connections that were told it was `undeliverable`. */
  readonly #awaiting = new Map<string, Set<BackendConnection>>()
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
    this.#expiryCheck = setInterval(() => this.#checkExpiry(Date.now()), EXPIRY_CHECK_MS)
    this.#expiryCheck.unref()
  }

  // ---- registry ------------------------------------------------------------

  /** @internal for the shared socket listeners. */
  get log(): Logger {
    return this.#log
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
  /**
   * Whether a new connection of `userId` may be attached now: not while draining, not over the
   * per-user limit, and not when it would replace the user's link more often than the budget allows.
   */
  admit(userId: string): 'ok' | 'too_many_connections' | 'replaced_too_often' {
    if (this.#draining) return 'too_many_connections'
    const active = this.#active.has(userId)
    const n = (active ? 1 : 0) + (this.#lingeringPerUser.get(userId) ?? 0)
    if (n > this.#opts.maxConnectionsPerUser) return 'too_many_connections'
    if (!active) return 'ok'
    let budget = this.#replacements.get(userId)
    if (budget === undefined) {
      budget = new TokenBucket(REPLACEMENTS_PER_SEC, REPLACEMENTS_BURST)
      this.#replacements.set(userId, budget)
    }
    if (budget.take()) {
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

    ;(socket as HubSocket)[CONN] = conn
    socket.on('message', onSocketMessage)
    socket.on('pong', onSocketPong)
    socket.on('close', onSocketClose)
    socket.on('error', onSocketError)
    if (conn.expiresAt < this.#nextExpiry) this.#nextExpiry = conn.expiresAt

    const previous = this.#active.get(userId)
    this.#active.set(userId, conn)
    if (previous !== undefined) this.#linger(previous)
    this.#m.backendConnections.set(this.openSockets)
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

  /** Moves a connection out of routing into `#lingering` until its socket has closed. */
  #linger(conn: BackendConnection): void {
    if (conn.lingering || conn.closed) return
    conn.lingering = true
    this.#lingering.add(conn)
    const userId = conn.user.id
    this.#lingeringPerUser.set(userId, (this.#lingeringPerUser.get(userId) ?? 0) + 1)
  }

  #unlinger(conn: BackendConnection): void {
    if (!conn.lingering) return
    conn.lingering = false
    this.#lingering.delete(conn)
    const userId = conn.user.id
    const n = (this.#lingeringPerUser.get(userId) ?? 1) - 1
    if (n > 0) this.#lingeringPerUser.set(userId, n)
    else this.#lingeringPerUser.delete(userId)
  }

  #announce(conn: BackendConnection): void {
    const frame = presenceFrame(conn.userJson, true, new Date().toISOString())
    // A new connection watches no one until its `watch` frame, so only the watchers it watched before it
    // was replaced would be mutual: they hear of it again when its `watch` frame names them.
    const waiting = this.#awaiting.get(conn.user.id)
    if (waiting !== undefined) {
      this.#awaiting.delete(conn.user.id)
      for (const sender of waiting) {
        sender.awaiting?.delete(conn.user.id)
        if (!sender.closing) this.#sendTo(sender, frame)
      }
    }
    this.#cluster?.announce(conn.info, conn.connId)
  }

  /** `sender` got `undeliverable` for `userId`: it hears once when that user comes online. */
  #await(sender: BackendConnection, userId: string): void {
    sender.awaiting ??= new Set()
    if (sender.awaiting.size >= MAX_AWAITING && !sender.awaiting.has(userId)) return
    sender.awaiting.add(userId)
    let set = this.#awaiting.get(userId)
    if (set === undefined) {
      set = new Set()
      this.#awaiting.set(userId, set)
    }
    set.add(sender)
  }

  #forgetAwaiting(conn: BackendConnection): void {
    for (const id of conn.awaiting ?? []) {
      const set = this.#awaiting.get(id)
      set?.delete(conn)
      if (set?.size === 0) this.#awaiting.delete(id)
    }
    conn.awaiting = undefined
  }

  /** Closes (4001) every connection whose token expired more than the leeway ago. */
  #checkExpiry(now: number): void {
    if (now < this.#nextExpiry + EXPIRY_LEEWAY_MS) return
    let next = Number.POSITIVE_INFINITY
    for (const conn of this.#active.values()) {
      if (now >= conn.expiresAt + EXPIRY_LEEWAY_MS) {
        this.#log.info({ user: conn.user.id }, `${conn.user.displayName}'s token expired; closing`)
        this.#close(conn, CloseCode.TOKEN_EXPIRED, CloseReason[CloseCode.TOKEN_EXPIRED], CLOSE_GRACE_MS)
      } else if (conn.expiresAt < next) {
        next = conn.expiresAt
      }
    }
    this.#nextExpiry = next
  }

  /** Stops routing to `conn` and closes it; it is dropped if it has not closed after `graceMs`. */
  #close(conn: BackendConnection, code: number, reason: string, graceMs: number): void {
    if (conn.closing) return
    conn.closing = true
    this.#m.closes.labels(String(code)).inc()
    this.#detach(conn)
    this.#linger(conn)
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
    this.#unwatchAll(conn)
    this.#forgetAwaiting(conn)
    const userId = conn.user.id
    if (this.#active.get(userId) !== conn) return
    this.#active.delete(userId)
    this.#replacements.delete(userId)
    this.#linger(conn)
    this.#log.info({ user: userId }, `${conn.user.displayName} disconnected`)
    this.#cluster?.withdraw(conn.user, conn.connId)
    // Online on another node already (it moved): its watchers here keep seeing it online.
    if (this.#cluster?.locate(userId) !== undefined) return
    this.#notifyWatchers(userId, presenceFrame(conn.userJson, false, new Date().toISOString()), watchedBack)
  }

  /** @internal the socket's 'close' listener. */
  onClose(conn: BackendConnection, code: number): void {
    this.#log.debug({ user: conn.user.id, code }, 'backend socket closed')
    conn.closing = true
    conn.closed = true
    this.#detach(conn)
    this.#unlinger(conn)
    this.#m.backendConnections.set(this.openSockets)
  }

  /** Every socket not closed yet: the routed ones, then those still closing. */
  *#allSockets(): Generator<BackendConnection> {
    yield* this.#active.values()
    yield* this.#lingering
  }

  #beat(): void {
    for (const conn of [...this.#allSockets()]) {
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

  // ---- frames --------------------------------------------------------------

  /** @internal the socket's 'message' listener. */
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
          this.#onSend(conn, frame, parsed.eventJson)
          return
        case 'ack':
          this.#onAck(conn, frame)
          return
        case 'watch':
          this.#onWatch(conn, frame)
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
    this.#sendTo(conn, errorFrame(code, message, ref))
  }

  /**
   * Sends to a connection. The first frame for a socket in a turn of the event loop corks it;
   * `#uncorkAll` (setImmediate, right after the turn's I/O callbacks) lets everything routed to it
   * meanwhile leave in one write, then closes with 1013 a socket whose send buffer is still over the
   * limit: bytes its backend has not read, not the burst just routed to it. `frame` is the frame's
   * text, or a complete WebSocket frame from `textFrame` (one encoding written to many sockets).
   */
  #sendTo(conn: BackendConnection, frame: string | Buffer): void {
    if (!conn.open) return
    if (!conn.corked) {
      conn.corked = true
      conn.raw.cork()
      if (this.#corked.length === 0) setImmediate(this.#uncorkAll)
      this.#corked.push(conn)
    }
    conn.raw.write(typeof frame === 'string' ? textFrame(frame) : frame)
  }

  readonly #uncorkAll = (): void => {
    const corked = this.#corked
    this.#corked = []
    const limit = this.#opts.sendBufferLimit
    for (let i = 0; i < corked.length; i++) {
      const conn = corked[i] as BackendConnection
      conn.corked = false
      conn.raw.uncork()
      if (!conn.closing && conn.socket.bufferedAmount > limit) {
        this.#log.warn(
          { user: conn.user.id, buffered: conn.socket.bufferedAmount },
          `${conn.user.displayName} is not reading (send buffer full); closing`,
        )
        this.#close(conn, CloseCode.TRY_AGAIN_LATER, 'send buffer full', SLOW_CLOSE_GRACE_MS)
      }
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
    // The sender's trace goes on through the relay (with a span of its own when this relay traces).
    const route =
      frame.traceparent !== undefined && tracingOn()
        ? startSpan(`route ${type}`, {
            kind: SpanKind.CONSUMER,
            parent: contextFrom(frame.traceparent),
            attributes: { 'pp.event.id': frame.id, 'pp.event.type': type },
          })
        : undefined
    const traceparent = route === undefined ? frame.traceparent : traceparentOf(route.ctx)
    const out = eventFrame(frame.id, conn.userJson, frame.event, eventJson, traceparent)
    const to = frame.to
    // One complete WebSocket frame, written as it is to every recipient's socket.
    const payload = textFrame(out)
    let delivered = 0
    let forwarded = 0
    // A recipient listed twice gets the event once (one list, one delivery each).
    const seen = to.length > 1 ? new Set<string>() : undefined
    for (let i = 0; i < to.length; i++) {
      const recipient = to[i] as string
      if (seen !== undefined) {
        if (seen.has(recipient)) continue
        seen.add(recipient)
      }
      const target = this.#active.get(recipient)
      if (target !== undefined) {
        this.#sendTo(target, payload)
        delivered++
        if (this.#infoLogs) this.#logRouted(type, frame.id, conn.user, target.user, {})
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
        if (this.#infoLogs) this.#logRouted(type, frame.id, conn.user, remote.user, { node: remote.node })
        continue
      }
      this.#sendTo(conn, undeliverableFrame(frame.id, recipient))
      this.#await(conn, recipient)
      this.#m.undeliverable.inc()
      this.#routed(type, 'offline')
      if (this.#infoLogs) this.#logRouted(type, frame.id, conn.user, { id: recipient }, 'offline')
    }
    this.eventsRouted += delivered
    if (delivered + forwarded > 0) this.#routed(type, 'delivered', delivered + forwarded)
    this.#m.routingLatency.observe((performance.now() - started) / 1000)
    route?.span.setAttribute('pp.delivered', delivered + forwarded)
    route?.span.end()
  }

  /**
   * The routing log lines, in the design's form (`position_shared event routed from User A: delivered
   * to User B`) and with the guide's `collab_event` field to grep for. `node` is the relay node that
   * delivered it when not this one.
   */
  #logRouted(
    type: string,
    id: string,
    from: UserRef,
    to: { id: string; displayName?: string },
    outcome: 'offline' | { node?: string },
  ): void {
    const toName = to.displayName ?? to.id
    const fields = { collab_event: type, event: type, id, from: from.id, to: to.id }
    if (outcome === 'offline') {
      this.#log.info(
        fields,
        `${type} event routed from ${from.displayName} to ${toName} (offline: not delivered)`,
      )
      return
    }
    const via = outcome.node === undefined ? '' : ` via ${outcome.node}`
    this.#log.info(fields, `${type} event routed from ${from.displayName}: delivered to ${toName}${via}`)
    // The testing guide's second line ("Delivered to User B").
    this.#log.info({ collab_event: type, event: type, id, to: to.id }, `Delivered to ${toName}`)
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

  /**
   * Presence flows only between users who watch each other (friends, or a request pending either way):
   * a backend hears of a user only if that user watches it back, so nobody learns the comings and
   * goings of someone who has not listed them. Users on other relay nodes are the exception (their
   * watch lists stay on their node): see SECURITY.md.
   */
  #onWatch(conn: BackendConnection, frame: InboundWatch): void {
    const before = conn.watching
    this.#unwatchAll(conn)
    const ids = new Set(frame.userIds)
    conn.watching = ids
    const active = this.#active.get(conn.user.id) === conn
    const at = new Date().toISOString()
    for (const id of ids) {
      let set = this.#watchers.get(id)
      if (set === undefined) {
        set = new Set()
        this.#watchers.set(id, set)
      }
      set.add(conn)
      const local = this.#active.get(id)
      if (local !== undefined) {
        // Mutual now: each hears of the other.
        if (local.watching.has(conn.user.id)) {
          this.#sendTo(conn, presenceFrame(local.userJson, true, at))
          if (active && !before.has(id)) this.#sendTo(local, presenceFrame(conn.userJson, true, at))
        }
        continue
      }
      const there = this.#isOnline(id)
      if (there !== undefined) {
        this.#sendTo(
          conn,
          presenceFrame(JSON.stringify({ id: there.id, displayName: there.displayName }), true, at),
        )
      }
    }
    this.#log.debug({ user: conn.user.id, watching: ids.size }, 'watch list set')
  }

  #unwatchAll(conn: BackendConnection): void {
    for (const id of conn.watching) {
      const set = this.#watchers.get(id)
      if (set === undefined) continue
      set.delete(conn)
      if (set.size === 0) this.#watchers.delete(id)
    }
    conn.watching = new Set()
  }

  /**
   * Tells `userId`'s watchers a presence change. `watchedBack` is the user's own watch list when it is
   * on this node (only watchers it lists hear); undefined for a user on another node.
   */
  #notifyWatchers(userId: string, frame: string, watchedBack?: ReadonlySet<string>): void {
    const set = this.#watchers.get(userId)
    if (set === undefined) return
    let wire: Buffer | undefined
    for (const watcher of set) {
      if (watchedBack !== undefined && !watchedBack.has(watcher.user.id)) continue
      wire ??= textFrame(frame)
      this.#sendTo(watcher, wire)
    }
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
    const all = [...this.#allSockets()]
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
    for (const conn of [...this.#allSockets()])
      this.#close(conn, CloseCode.GOING_AWAY, 'relay shutting down', closeAfterMs)
    await this.#waitClosed(closeAfterMs)
    for (const conn of [...this.#allSockets()]) conn.socket.terminate()
  }

  async #waitClosed(limitMs: number): Promise<void> {
    const deadline = Date.now() + limitMs
    while (this.openSockets > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
    }
  }
}

// Listeners shared by every backend socket (one function each, not closures per connection).
function onSocketMessage(this: HubSocket, data: RawData, isBinary: boolean): void {
  const conn = this[CONN]
  if (conn !== undefined) conn.hub.onMessage(conn, data, isBinary)
}
function onSocketPong(this: HubSocket): void {
  const conn = this[CONN]
  if (conn !== undefined) conn.missedPongs = 0
}
function onSocketClose(this: HubSocket, code: number): void {
  const conn = this[CONN]
  if (conn !== undefined) conn.hub.onClose(conn, code)
}
function onSocketError(this: HubSocket, err: Error): void {
  const conn = this[CONN]
  conn?.hub.log.debug({ user: conn.user.id, err: err.message }, 'backend socket error')
}
