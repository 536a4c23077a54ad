import type { UserRef } from '@pp/contracts'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type {
  Cluster,
  ClusterInbox,
  ClusterStatus,
  OnlineUser,
  RemoteDelivery,
  RemoteSessionMember,
  SessionFanout,
  SessionMemberRef,
  SessionMembersInbox,
} from './cluster.js'

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

const PREFIX = 'pp:relay:'
const USER_KEY = `${PREFIX}user:`
const STATS_KEY = `${PREFIX}stats:`
const PRESENCE_CHANNEL = `${PREFIX}presence`
const SESSIONS_CHANNEL = `${PREFIX}sessions`
const nodeChannel = (node: string) => `${PREFIX}node:${node}`

/** Refreshes a lease if it is still ours; re-creates it if it vanished (Redis restarted). */
const REFRESH = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`
/** Deletes a lease only if it is still ours (not taken over by a newer connection elsewhere). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

type Lease = OnlineUser & { node: string; connId: string }
type PresenceMessage = { online: boolean; at: string; lease: Lease }

function parseLease(text: string | null): Lease | undefined {
  if (text === null) return undefined
  try {
    const v = JSON.parse(text) as Partial<Lease>
    if (typeof v.id !== 'string' || typeof v.node !== 'string' || typeof v.connId !== 'string')
      return undefined
    if (typeof v.displayName !== 'string' || typeof v.connectedAt !== 'string') return undefined
    return {
      id: v.id,
      displayName: v.displayName,
      backendUrl: typeof v.backendUrl === 'string' ? v.backendUrl : null,
      connectedAt: v.connectedAt,
      node: v.node,
      connId: v.connId,
    }
  } catch {
    return undefined
  }
}

const userRef = (l: Lease): UserRef => ({ id: l.id, displayName: l.displayName })

const memberKey = (m: SessionMemberRef) => `${m.sessionId}\u0000${m.userId}`

function sessionMemberOf(v: unknown, node: string): RemoteSessionMember | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const m = v as Partial<SessionMemberRef>
  if (typeof m.sessionId !== 'string' || typeof m.userId !== 'string' || typeof m.connectedAt !== 'string')
    return undefined
  return { sessionId: m.sessionId, userId: m.userId, connectedAt: m.connectedAt, node }
}

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
  #members: SessionMembersInbox | undefined
  /** Other nodes' session-room members: node → (session + user → member). */
  readonly #sessionMembers = new Map<string, Map<string, RemoteSessionMember>>()
  /** When each node with session members last sent their snapshot (ms since the epoch). */
  readonly #membersHeardAt = new Map<string, number>()
  /** This node had members at its last snapshot (so one more, empty, tells the others they left). */
  #hadMembers = false
  /** Leases held by this node: user id → lease value (the exact string stored in Redis). */
  readonly #own = new Map<string, string>()
  /** Other nodes' users. */
  readonly #remote = new Map<string, Lease>()
  #timer: NodeJS.Timeout | undefined
  #wasDown = false
  #stopped = false
  #expiryEvents = false

  constructor(opts: { url: string; nodeId: string; ttlMs: number; log: Logger }) {
    this.#url = opts.url
    this.nodeId = opts.nodeId
    this.#ttlMs = opts.ttlMs
    this.#log = opts.log
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
    sub.on('pmessage', (_pattern: string, _channel: string, key: string) => this.#onExpired(key))

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
      await this.#rescan()
      this.#askForMembers()
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
        ...[...this.#own.entries()].map(([id, value]) => cmd.eval(RELEASE, 1, USER_KEY + id, value)),
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
    await this.#refreshLeases()
    await this.#rescan({ renotify: true })
    this.#askForMembers()
  }

  // ---- leases ----------------------------------------------------------------

  announce(user: OnlineUser, connId: string): void {
    const lease: Lease = { ...user, node: this.nodeId, connId }
    const value = JSON.stringify(lease)
    this.#own.set(user.id, value)
    this.#remote.delete(user.id)
    if (!this.#up) return
    const cmd = this.#cmd
    cmd
      ?.set(USER_KEY + user.id, value, 'PX', this.#ttlMs)
      .then(() =>
        cmd.publish(PRESENCE_CHANNEL, JSON.stringify({ online: true, at: user.connectedAt, lease })),
      )
      .catch((err: Error) => this.#log.warn({ err: err.message }, 'redis: could not lease user'))
  }

  withdraw(user: UserRef, connId: string): void {
    const value = this.#own.get(user.id)
    if (value === undefined) return
    const lease = parseLease(value)
    if (lease?.connId !== connId) return
    this.#own.delete(user.id)
    if (!this.#up) return
    const message: PresenceMessage = { online: false, at: new Date().toISOString(), lease }
    const cmd = this.#cmd
    cmd
      ?.eval(RELEASE, 1, USER_KEY + user.id, value)
      .then(() => cmd.publish(PRESENCE_CHANNEL, JSON.stringify(message)))
      .catch((err: Error) => this.#log.warn({ err: err.message }, 'redis: could not release user'))
  }

  async #refreshLeases(): Promise<void> {
    const cmd = this.#cmd
    if (cmd === undefined || !this.#up) return
    await Promise.allSettled(
      [...this.#own.entries()].map(async ([id, value]) => {
        const r = await cmd.eval(REFRESH, 1, USER_KEY + id, value, String(this.#ttlMs))
        if (r === 2) {
          // The lease had gone (Redis restarted or was away longer than the TTL): tell the others again.
          const lease = parseLease(value)
          if (lease !== undefined) {
            const message: PresenceMessage = { online: true, at: new Date().toISOString(), lease }
            await cmd.publish(PRESENCE_CHANNEL, JSON.stringify(message))
          }
        } else if (r === 0) {
          // Taken over by a newer connection on another node while we could not hear it.
          const current = parseLease(await cmd.get(USER_KEY + id))
          if (current !== undefined && current.node !== this.nodeId) {
            this.#own.delete(id)
            this.#remote.set(id, current)
            this.#inbox?.claimed(id, current.connId)
          }
        }
      }),
    )
  }

  async #tick(): Promise<void> {
    this.#dropSilentNodes()
    if (!this.#up) return
    this.#publishMembers()
    // Redis was not there when this node started, or restarted without its config.
    if (!this.#expiryEvents) await this.#enableExpiryEvents()
    await this.#refreshLeases()
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
    await this.#rescan()
  }

  /** Reads every lease and brings the mirror of other nodes' users up to date. */
  async #rescan(opts: { renotify?: boolean } = {}): Promise<void> {
    const cmd = this.#cmd
    if (cmd === undefined || !this.#up) return
    const seen = new Map<string, Lease>()
    try {
      let cursor = '0'
      do {
        const [next, keys] = await cmd.scan(cursor, 'MATCH', `${USER_KEY}*`, 'COUNT', 1000)
        cursor = next
        if (keys.length > 0) {
          const values = await cmd.mget(...keys)
          for (const v of values) {
            const lease = parseLease(v)
            if (lease !== undefined && lease.node !== this.nodeId) seen.set(lease.id, lease)
          }
        }
      } while (cursor !== '0')
    } catch (err) {
      this.#log.debug({ err: (err as Error).message }, 'redis rescan failed')
      return
    }
    const at = new Date().toISOString()
    for (const [id, lease] of this.#remote) {
      if (!seen.has(id)) {
        this.#remote.delete(id)
        this.#inbox?.presence(userRef(lease), false, at)
      }
    }
    for (const [id, lease] of seen) {
      if (this.#own.has(id)) continue
      const known = this.#remote.get(id)
      this.#remote.set(id, lease)
      if (known === undefined || opts.renotify === true) this.#inbox?.presence(userRef(lease), true, at)
    }
  }

  #onExpired(key: string): void {
    if (!key.startsWith(USER_KEY)) return
    const id = key.slice(USER_KEY.length)
    const lease = this.#remote.get(id)
    if (lease === undefined) return
    this.#remote.delete(id)
    this.#log.info(
      { user: id, node: lease.node },
      `${lease.displayName}'s lease expired (node ${lease.node} gone)`,
    )
    this.#inbox?.presence(userRef(lease), false, new Date().toISOString())
  }

  // ---- routing ---------------------------------------------------------------

  locate(userId: string): { node: string; user: OnlineUser } | undefined {
    const lease = this.#remote.get(userId)
    if (lease === undefined || !this.#up) return undefined
    return { node: lease.node, user: lease }
  }

  remoteUsers(): OnlineUser[] {
    if (!this.#up) return []
    return [...this.#remote.values()].map((l) => ({
      id: l.id,
      displayName: l.displayName,
      backendUrl: l.backendUrl,
      connectedAt: l.connectedAt,
    }))
  }

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
    this.#members = inbox
  }

  sessionMember(member: SessionMemberRef, joined: boolean): void {
    if (!this.#up) return // the next snapshot after Redis is back tells the others
    this.#publishMeta({ kind: 'member', joined, member })
  }

  remoteSessionMembers(sessionId?: string): RemoteSessionMember[] {
    const found: RemoteSessionMember[] = []
    for (const members of this.#sessionMembers.values()) {
      for (const m of members.values())
        if (sessionId === undefined || m.sessionId === sessionId) found.push(m)
    }
    return found.sort((a, b) => (a.connectedAt < b.connectedAt ? -1 : a.connectedAt > b.connectedAt ? 1 : 0))
  }

  #publishMeta(meta: Record<string, unknown>): void {
    this.#cmd
      ?.publish(SESSIONS_CHANNEL, `${JSON.stringify({ ...meta, node: this.nodeId })}\n`)
      .catch((err: Error) =>
        this.#log.debug({ err: err.message }, 'redis: could not publish session members'),
      )
  }

  #askForMembers(): void {
    this.#publishMeta({ kind: 'members?' })
    this.#publishMembers()
  }

  /** This node's members, as a snapshot (skipped when it has had none since the last one). */
  #publishMembers(): void {
    const members = this.#members?.localMembers() ?? []
    if (members.length === 0 && !this.#hadMembers) return
    this.#hadMembers = members.length > 0
    this.#publishMeta({ kind: 'members', members })
  }

  #onMembersMessage(meta: Record<string, unknown>): void {
    const node = meta.node
    if (typeof node !== 'string' || node === this.nodeId) return
    if (meta.kind === 'members?') {
      this.#hadMembers = true // answer even with none: the asker may hold stale members of ours
      this.#publishMembers()
      return
    }
    if (meta.kind === 'member') {
      const m = sessionMemberOf(meta.member, node)
      if (m === undefined) return
      let members = this.#sessionMembers.get(node)
      if (meta.joined === true) {
        if (members === undefined) {
          members = new Map()
          this.#sessionMembers.set(node, members)
          this.#membersHeardAt.set(node, Date.now())
        }
        members.set(memberKey(m), m)
        this.#members?.remoteMember(m, true, false)
      } else if (members?.delete(memberKey(m)) === true) {
        if (members.size === 0) this.#forgetNode(node)
        this.#members?.remoteMember(m, false, false)
      }
      return
    }
    if (meta.kind === 'members' && Array.isArray(meta.members)) {
      const before = this.#sessionMembers.get(node) ?? new Map<string, RemoteSessionMember>()
      const after = new Map<string, RemoteSessionMember>()
      for (const raw of meta.members) {
        const m = sessionMemberOf(raw, node)
        if (m !== undefined) after.set(memberKey(m), m)
      }
      if (after.size === 0) this.#forgetNode(node)
      else {
        this.#sessionMembers.set(node, after)
        this.#membersHeardAt.set(node, Date.now())
      }
      // Joins and leaves whose own announcements never reached this node (Redis was away).
      for (const [k, m] of after) if (!before.has(k)) this.#members?.remoteMember(m, true, true)
      for (const [k, m] of before) if (!after.has(k)) this.#members?.remoteMember(m, false, true)
    }
  }

  #forgetNode(node: string): void {
    this.#sessionMembers.delete(node)
    this.#membersHeardAt.delete(node)
  }

  /** Nodes whose snapshots stopped for a TTL (crashed, or cut off from Redis): their members are gone. */
  #dropSilentNodes(): void {
    const now = Date.now()
    for (const [node, at] of this.#membersHeardAt) {
      if (now - at <= this.#ttlMs) continue
      const members = this.#sessionMembers.get(node)
      this.#forgetNode(node)
      this.#log.info({ node, members: members?.size ?? 0 }, `node ${node} silent: its session members left`)
      for (const m of members?.values() ?? []) this.#members?.remoteMember(m, false, true)
    }
  }

  #onMessage(channel: string, message: string): void {
    try {
      if (channel === PRESENCE_CHANNEL) {
        const m = JSON.parse(message) as PresenceMessage
        this.#onPresence(m)
        return
      }
      const nl = message.indexOf('\n')
      if (nl < 0) return
      const meta = JSON.parse(message.slice(0, nl)) as Record<string, unknown>
      const text = message.slice(nl + 1)
      if (channel === SESSIONS_CHANNEL) {
        if (meta.node === this.nodeId) return
        if (meta.kind !== undefined) {
          this.#onMembersMessage(meta)
          return
        }
        this.#sessionHandler?.({
          sessionId: meta.sessionId as string,
          audience: meta.audience as SessionFanout['audience'],
          text,
        })
        return
      }
      this.#inbox?.deliver({ ...(meta as Omit<RemoteDelivery, 'frame'>), frame: text } as RemoteDelivery)
    } catch (err) {
      this.#log.warn({ err: (err as Error).message, channel }, 'redis: unreadable cluster message')
    }
  }

  #onPresence(m: PresenceMessage): void {
    const lease = parseLease(JSON.stringify(m.lease))
    if (lease === undefined || lease.node === this.nodeId) return
    const user = userRef(lease)
    if (m.online) {
      this.#remote.set(lease.id, lease)
      if (this.#own.has(lease.id)) {
        // The same user connected on another node: that connection wins.
        this.#own.delete(lease.id)
        this.#inbox?.claimed(lease.id, lease.connId)
      }
      this.#inbox?.presence(user, true, m.at)
      return
    }
    const known = this.#remote.get(lease.id)
    if (known === undefined || known.connId !== lease.connId) return // already replaced elsewhere
    this.#remote.delete(lease.id)
    this.#inbox?.presence(user, false, m.at)
  }

  // ---- health ----------------------------------------------------------------

  async totals(local: Record<string, number>): Promise<Record<string, number>> {
    const cmd = this.#cmd
    if (cmd === undefined || !this.#up) return local
    try {
      const keys: string[] = []
      let cursor = '0'
      do {
        const [next, found] = await cmd.scan(cursor, 'MATCH', `${STATS_KEY}*`, 'COUNT', 1000)
        cursor = next
        keys.push(...found)
      } while (cursor !== '0')
      const sums: Record<string, number> = { ...local, nodes: 1 }
      const others = keys.filter((k) => k !== STATS_KEY + this.nodeId)
      if (others.length === 0) return sums
      for (const v of await cmd.mget(...others)) {
        if (v === null) continue
        sums.nodes = (sums.nodes ?? 1) + 1
        const stats = JSON.parse(v) as Record<string, unknown>
        for (const [k, n] of Object.entries(stats)) if (typeof n === 'number') sums[k] = (sums[k] ?? 0) + n
      }
      return sums
    } catch {
      return local
    }
  }

  status(): ClusterStatus {
    const nodes = new Set([this.nodeId, ...[...this.#remote.values()].map((l) => l.node)])
    return { mode: 'redis', redis: this.#up ? 'connected' : 'disconnected', nodes: nodes.size }
  }
}
