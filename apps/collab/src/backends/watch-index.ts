import type { BackendConnection } from './connection.js'

/** Offline users one backend can be waiting for (it hears once when each comes online). */
const MAX_AWAITING = 10_000

/**
 * Who listens for whom on this node: each connection's watch list, indexed by the watched user, and the
 * senders told a user was `undeliverable`, who hear once when that user comes online.
 */
export class WatchIndex {
  /** Watched user id → the local connections watching it. */
  readonly #watchers = new Map<string, Set<BackendConnection>>()
  /** Offline user id → connections that were told it was `undeliverable`. */
  readonly #awaiting = new Map<string, Set<BackendConnection>>()

  /** The local connections watching `userId`. */
  watchers(userId: string): ReadonlySet<BackendConnection> | undefined {
    return this.#watchers.get(userId)
  }

  /** Replaces `conn`'s watch list with `ids`. */
  watch(conn: BackendConnection, ids: ReadonlySet<string>): void {
    this.unwatchAll(conn)
    conn.watching = ids
    for (const id of ids) {
      let set = this.#watchers.get(id)
      if (set === undefined) {
        set = new Set()
        this.#watchers.set(id, set)
      }
      set.add(conn)
    }
  }

  unwatchAll(conn: BackendConnection): void {
    for (const id of conn.watching) {
      const set = this.#watchers.get(id)
      if (set === undefined) continue
      set.delete(conn)
      if (set.size === 0) this.#watchers.delete(id)
    }
    conn.watching = new Set()
  }

  /** `sender` got `undeliverable` for `userId`: it hears once when that user comes online. */
  await(sender: BackendConnection, userId: string): void {
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

  /** `userId` came online: the senders waiting for it, who wait no longer. */
  takeAwaiting(userId: string): ReadonlySet<BackendConnection> | undefined {
    const waiting = this.#awaiting.get(userId)
    if (waiting === undefined) return undefined
    this.#awaiting.delete(userId)
    for (const sender of waiting) sender.awaiting?.delete(userId)
    return waiting
  }

  forgetAwaiting(conn: BackendConnection): void {
    for (const id of conn.awaiting ?? []) {
      const set = this.#awaiting.get(id)
      set?.delete(conn)
      if (set?.size === 0) this.#awaiting.delete(id)
    }
    conn.awaiting = undefined
  }
}
