import type { ClusterLease, ClusterPresence, RelayOnlineUser, UserRef } from '@pp/contracts'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { ClusterInbox } from './cluster.js'
import { PRESENCE_CHANNEL, parseLease, REFRESH, RELEASE, USER_KEY } from './redis-keys.js'

type Lease = ClusterLease

const userRef = (l: Lease): UserRef => ({ id: l.id, displayName: l.displayName })
const presence = (online: boolean, at: string, lease: Lease): ClusterPresence => ({ online, at, lease })

export type LeaseParts = {
  nodeId: string
  ttlMs: number
  log: Logger
  /** The commands connection, once started. */
  cmd: () => Redis | undefined
  /** Both Redis connections are ready. */
  up: () => boolean
  inbox: () => ClusterInbox | undefined
}

/**
 * The user registry: one lease key per connected user, `pp:relay:user:<id>` = {…user, node, connId},
 * with a TTL the owning node refreshes every TTL/3, and a mirror in memory of the other nodes' leases,
 * so routing is a map lookup.
 */
export class Leases {
  readonly #nodeId: string
  readonly #ttlMs: number
  readonly #log: Logger
  readonly #parts: LeaseParts
  /** Leases held by this node: user id → lease value (the exact string stored in Redis). */
  readonly #own = new Map<string, string>()
  /** Other nodes' users. */
  readonly #remote = new Map<string, Lease>()

  constructor(parts: LeaseParts) {
    this.#nodeId = parts.nodeId
    this.#ttlMs = parts.ttlMs
    this.#log = parts.log
    this.#parts = parts
  }

  /** This node's leases: user id → the value stored. */
  own(): IterableIterator<[string, string]> {
    return this.#own.entries()
  }

  /** The nodes holding users, this one included. */
  nodes(): Set<string> {
    return new Set([this.#nodeId, ...[...this.#remote.values()].map((l) => l.node)])
  }

  announce(user: RelayOnlineUser, connId: string): void {
    const lease: Lease = { ...user, node: this.#nodeId, connId }
    const value = JSON.stringify(lease)
    this.#own.set(user.id, value)
    this.#remote.delete(user.id)
    if (!this.#parts.up()) return
    const cmd = this.#parts.cmd()
    cmd
      ?.set(USER_KEY + user.id, value, 'PX', this.#ttlMs)
      .then(() => cmd.publish(PRESENCE_CHANNEL, JSON.stringify(presence(true, user.connectedAt, lease))))
      .catch((err: Error) => this.#log.warn({ err: err.message }, 'redis: could not lease user'))
  }

  withdraw(user: UserRef, connId: string): void {
    const value = this.#own.get(user.id)
    if (value === undefined) return
    const lease = parseLease(value)
    if (lease?.connId !== connId) return
    this.#own.delete(user.id)
    if (!this.#parts.up()) return
    const message = presence(false, new Date().toISOString(), lease)
    const cmd = this.#parts.cmd()
    cmd
      ?.eval(RELEASE, 1, USER_KEY + user.id, value)
      .then(() => cmd.publish(PRESENCE_CHANNEL, JSON.stringify(message)))
      .catch((err: Error) => this.#log.warn({ err: err.message }, 'redis: could not release user'))
  }

  /** Refreshes this node's leases (every TTL/3), and takes back or gives up those that changed meanwhile. */
  async refresh(): Promise<void> {
    const cmd = this.#parts.cmd()
    if (cmd === undefined || !this.#parts.up()) return
    await Promise.allSettled(
      [...this.#own.entries()].map(async ([id, value]) => {
        const r = await cmd.eval(REFRESH, 1, USER_KEY + id, value, String(this.#ttlMs))
        if (r === 2) {
          // The lease had gone (Redis restarted or was away longer than the TTL): tell the others again.
          const lease = parseLease(value)
          if (lease !== undefined) {
            await cmd.publish(
              PRESENCE_CHANNEL,
              JSON.stringify(presence(true, new Date().toISOString(), lease)),
            )
          }
        } else if (r === 0) {
          // Taken over by a newer connection on another node while we could not hear it.
          const current = parseLease(await cmd.get(USER_KEY + id))
          if (current !== undefined && current.node !== this.#nodeId) {
            this.#own.delete(id)
            this.#remote.set(id, current)
            this.#parts.inbox()?.claimed(id, current.connId)
          }
        }
      }),
    )
  }

  /** Reads every lease and brings the mirror of other nodes' users up to date. */
  async rescan(opts: { renotify?: boolean } = {}): Promise<void> {
    const cmd = this.#parts.cmd()
    if (cmd === undefined || !this.#parts.up()) return
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
            if (lease !== undefined && lease.node !== this.#nodeId) seen.set(lease.id, lease)
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
        this.#parts.inbox()?.presence(userRef(lease), false, at)
      }
    }
    for (const [id, lease] of seen) {
      if (this.#own.has(id)) continue
      const known = this.#remote.get(id)
      this.#remote.set(id, lease)
      if (known === undefined || opts.renotify === true)
        this.#parts.inbox()?.presence(userRef(lease), true, at)
    }
  }

  /** A key expired (keyspace notification). */
  expired(key: string): void {
    if (!key.startsWith(USER_KEY)) return
    const id = key.slice(USER_KEY.length)
    const lease = this.#remote.get(id)
    if (lease === undefined) return
    this.#remote.delete(id)
    this.#log.info(
      { user: id, node: lease.node },
      `${lease.displayName}'s lease expired (node ${lease.node} gone)`,
    )
    this.#parts.inbox()?.presence(userRef(lease), false, new Date().toISOString())
  }

  locate(userId: string): { node: string; user: RelayOnlineUser } | undefined {
    const lease = this.#remote.get(userId)
    if (lease === undefined || !this.#parts.up()) return undefined
    return { node: lease.node, user: lease }
  }

  remoteUsers(): RelayOnlineUser[] {
    if (!this.#parts.up()) return []
    return [...this.#remote.values()].map((l) => ({
      id: l.id,
      displayName: l.displayName,
      backendUrl: l.backendUrl,
      connectedAt: l.connectedAt,
    }))
  }

  /** A user came or went on another node. */
  heard(m: ClusterPresence): void {
    const lease = m.lease
    if (lease.node === this.#nodeId) return
    const user = userRef(lease)
    if (m.online) {
      this.#remote.set(lease.id, lease)
      if (this.#own.has(lease.id)) {
        // The same user connected on another node: that connection wins.
        this.#own.delete(lease.id)
        this.#parts.inbox()?.claimed(lease.id, lease.connId)
      }
      this.#parts.inbox()?.presence(user, true, m.at)
      return
    }
    const known = this.#remote.get(lease.id)
    if (known === undefined || known.connId !== lease.connId) return // already replaced elsewhere
    this.#remote.delete(lease.id)
    this.#parts.inbox()?.presence(user, false, m.at)
  }
}
