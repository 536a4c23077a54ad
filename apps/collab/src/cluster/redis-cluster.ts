import {
  ClusterDeliveryMeta,
  ClusterPresence,
  type RelayOnlineUser,
  SessionFanoutMeta,
  type SessionMemberRef,
  SessionMembersMessage,
  type UserRef,
} from '@pp/contracts'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type {
  Cluster,
  ClusterInbox,
  ClusterStatus,
  RemoteDelivery,
  RemoteSessionMember,
  SessionFanout,
  SessionMembersInbox,
} from './cluster.js'
import { Leases } from './leases.js'
import {
  nodeChannel,
  PRESENCE_CHANNEL,
  RELEASE,
  SESSIONS_CHANNEL,
  STATS_KEY,
  sumStats,
  USER_KEY,
} from './redis-keys.js'
import { RemoteSessionMembers } from './session-members.js'

/**
 * Relay nodes sharing one Redis:
 * - registry: one lease key per connected user, `pp:relay:user:<id>` = {…user, node, connId}, with a
 *   TTL (PRESENCE_TTL_MS) the owning node refreshes every TTL/3. A crashed node's keys expire, so its
 *   users go offline for everyone within the TTL (keyspace `expired` events, plus a periodic rescan).
 * - every node mirrors the other nodes' leases in memory (`#remote`), so routing is a map lookup.
 * - pub/sub: `pp:relay:presence` (comings and goings), `pp:relay:node:<id>` (frames for a node's
 *   users), `pp:relay:sessions` (session-room messages and membership).
 * - session rooms: each node announces its members' joins and leaves, and a snapshot of them every
 *   TTL/3 (and when a node asks, on start or after a Redis outage); the others mirror them in memory.
 *   A node whose snapshots stop for a TTL is gone: its members have left.
 * - Redis away: local routing goes on; users elsewhere count as unreachable (undeliverable), health
 *   says `degraded`; when Redis is back the node re-leases its users, rescans, and watchers hear again
 *   of everyone online (ioredis resubscribes the channels).
 */

export class RedisCluster implements Cluster {
  readonly nodeId: string
  readonly #url: string
  readonly #ttlMs: number
  readonly #log: Logger
  #cmd: Redis | undefined
  #sub: Redis | undefined
  #inbox: ClusterInbox | undefined
  #stats: () => Record<string, number> = () => ({})
  #sessionHandler: ((m: SessionFanout) => void) | undefined
  readonly #members: RemoteSessionMembers
  readonly #leases: Leases
  #timer: NodeJS.Timeout | undefined
  #wasDown = false
  #stopped = false
  #expiryEvents = false

  constructor(opts: { url: string; nodeId: string; ttlMs: number; log: Logger }) {
    this.#url = opts.url
    this.nodeId = opts.nodeId
    this.#ttlMs = opts.ttlMs
    this.#log = opts.log
    this.#leases = new Leases({
      nodeId: opts.nodeId,
      ttlMs: opts.ttlMs,
      log: opts.log,
      cmd: () => this.#cmd,
      up: () => this.#up,
      inbox: () => this.#inbox,
    })
    this.#members = new RemoteSessionMembers({
      nodeId: opts.nodeId,
      ttlMs: opts.ttlMs,
      log: opts.log,
      publish: (message) => this.#publishMembersMessage(message),
    })
  }

  get #up(): boolean {
    return this.#cmd?.status === 'ready' && this.#sub?.status === 'ready'
  }

  async start(inbox: ClusterInbox, stats: () => Record<string, number>): Promise<void> {
    this.#inbox = inbox
    this.#stats = stats
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
    }
    // Not auto-pipelined: measured (bench scenario 7), it made cross-node p99 several times worse.
    const cmd = new Redis(this.#url, options)
    // The subscriber queues its (re)subscriptions until it is connected.
    const sub = new Redis(this.#url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null })
    this.#cmd = cmd
    this.#sub = sub
    for (const [name, conn] of [
      ['commands', cmd],
      ['subscriber', sub],
    ] as const) {
      conn.on('error', (err: Error) => this.#log.debug({ err: err.message, conn: name }, 'redis error'))
      conn.on('close', () => {
        if (this.#stopped || this.#wasDown) return
        this.#wasDown = true
        this.#log.warn({ conn: name }, 'redis connection lost; serving local routing only')
      })
      conn.on('ready', () => void this.#onReady())
    }
    sub.on('message', (channel: string, message: string) => this.#onMessage(channel, message))
    sub.on('pmessage', (_pattern: string, _channel: string, key: string) => this.#leases.expired(key))

    await Promise.allSettled([cmd.connect(), sub.connect()])
    // Queued until the subscriber is connected (and renewed by ioredis after every reconnect): not
    // awaited, so a relay whose Redis is away still starts and serves its own backends.
    const subscribed = Promise.all([
      sub.subscribe(PRESENCE_CHANNEL, SESSIONS_CHANNEL, nodeChannel(this.nodeId)),
      sub.psubscribe('__keyevent@*__:expired'),
    ]).catch((err: Error) => this.#log.warn({ err: err.message }, 'redis subscribe failed'))
    if (this.#up) {
      await subscribed
      await this.#enableExpiryEvents()
      await this.#leases.rescan()
      this.#members.ask()
    } else {
      this.#wasDown = true
    }
    if (!this.#up) this.#log.warn({ url: this.#url }, 'redis not reachable yet; serving local routing only')
    else this.#log.info({ node: this.nodeId }, 'joined the relay cluster')
    this.#timer = setInterval(() => void this.#tick(), Math.max(200, Math.floor(this.#ttlMs / 3)))
    this.#timer.unref()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearInterval(this.#timer)
    const cmd = this.#cmd
    if (cmd !== undefined && cmd.status === 'ready') {
      // Leave cleanly: this node's leases and stats go at once.
      await Promise.allSettled([
        ...[...this.#leases.own()].map(([id, value]) => cmd.eval(RELEASE, 1, USER_KEY + id, value)),
        cmd.del(STATS_KEY + this.nodeId),
      ])
    }
    this.#cmd?.disconnect()
    this.#sub?.disconnect()
  }

  async #enableExpiryEvents(): Promise<void> {
    try {
      await this.#cmd?.config('SET', 'notify-keyspace-events', 'Ex')
      this.#expiryEvents = true
    } catch {
      // A managed Redis may refuse CONFIG: the periodic rescan still finds expired leases.
    }
  }

  async #onReady(): Promise<void> {
    if (!this.#up) return
    if (!this.#wasDown) return
    this.#wasDown = false
    this.#log.info('redis is back; re-leasing users and rescanning')
    this.#expiryEvents = false
    await this.#enableExpiryEvents()
    await this.#leases.refresh()
    await this.#leases.rescan({ renotify: true })
    this.#members.ask()
  }

  // ---- leases ----------------------------------------------------------------

  async #tick(): Promise<void> {
    this.#members.dropSilentNodes()
    if (!this.#up) return
    this.#members.publish()
    // Redis was not there when this node started, or restarted without its config.
    if (!this.#expiryEvents) await this.#enableExpiryEvents()
    await this.#leases.refresh()
    try {
      await this.#cmd?.set(
        STATS_KEY + this.nodeId,
        JSON.stringify(this.#stats()),
        'PX',
        Math.max(this.#ttlMs, 1000) * 2,
      )
    } catch {
      // next tick
    }
    await this.#leases.rescan()
  }

  announce(user: RelayOnlineUser, connId: string): void {
    this.#leases.announce(user, connId)
  }

  withdraw(user: UserRef, connId: string): void {
    this.#leases.withdraw(user, connId)
  }

  locate(userId: string): { node: string; user: RelayOnlineUser } | undefined {
    return this.#leases.locate(userId)
  }

  remoteUsers(): RelayOnlineUser[] {
    return this.#leases.remoteUsers()
  }

  // ---- routing ---------------------------------------------------------------

  /** Frames travel as `<meta JSON>\n<frame text>`, so the frame is never escaped again. */
  forward(node: string, delivery: RemoteDelivery): void {
    const { frame, ...meta } = delivery
    this.#cmd
      ?.publish(nodeChannel(node), `${JSON.stringify(meta)}\n${frame}`)
      .catch((err: Error) => this.#log.debug({ err: err.message }, 'redis: could not forward'))
  }

  publishSession(message: SessionFanout): void {
    if (!this.#up) return
    const { text, ...meta } = message
    this.#cmd
      ?.publish(SESSIONS_CHANNEL, `${JSON.stringify({ ...meta, node: this.nodeId })}\n${text}`)
      .catch((err: Error) =>
        this.#log.debug({ err: err.message }, 'redis: could not publish session message'),
      )
  }

  onSession(handler: (message: SessionFanout) => void): void {
    this.#sessionHandler = handler
  }

  // ---- session-room membership ------------------------------------------------

  onSessionMembers(inbox: SessionMembersInbox): void {
    this.#members.listen(inbox)
  }

  sessionMember(member: SessionMemberRef, joined: boolean): void {
    if (!this.#up) return // the next snapshot after Redis is back tells the others
    this.#members.announce(member, joined)
  }

  remoteSessionMembers(sessionId?: string): RemoteSessionMember[] {
    return this.#members.list(sessionId)
  }

  #publishMembersMessage(meta: SessionMembersMessage): void {
    this.#cmd
      ?.publish(SESSIONS_CHANNEL, `${JSON.stringify(meta)}\n`)
      .catch((err: Error) =>
        this.#log.debug({ err: err.message }, 'redis: could not publish session members'),
      )
  }

  #onMessage(channel: string, message: string): void {
    try {
      if (channel === PRESENCE_CHANNEL) {
        const m = ClusterPresence.safeParse(JSON.parse(message))
        if (m.success) this.#leases.heard(m.data)
        return
      }
      const nl = message.indexOf('\n')
      if (nl < 0) return
      const meta: unknown = JSON.parse(message.slice(0, nl))
      const text = message.slice(nl + 1)
      if (channel === SESSIONS_CHANNEL) {
        if (typeof meta !== 'object' || meta === null || ('node' in meta && meta.node === this.nodeId)) return
        if ('kind' in meta && meta.kind !== undefined) {
          const members = SessionMembersMessage.safeParse(meta)
          if (members.success) this.#members.heard(members.data)
          return
        }
        const { sessionId, audience } = SessionFanoutMeta.parse(meta)
        this.#sessionHandler?.({ sessionId, audience, text })
        return
      }
      this.#inbox?.deliver({ ...ClusterDeliveryMeta.parse(meta), frame: text })
    } catch (err) {
      this.#log.warn({ err: (err as Error).message, channel }, 'redis: unreadable cluster message')
    }
  }

  // ---- health ----------------------------------------------------------------

  async totals(local: Record<string, number>): Promise<Record<string, number>> {
    const cmd = this.#cmd
    if (cmd === undefined || !this.#up) return local
    try {
      return await sumStats(cmd, this.nodeId, local)
    } catch {
      return local
    }
  }

  status(): ClusterStatus {
    const nodes = this.#leases.nodes()
    return { mode: 'redis', redis: this.#up ? 'connected' : 'disconnected', nodes: nodes.size }
  }
}
