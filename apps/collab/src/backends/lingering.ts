import type { BackendConnection } from './connection.js'

/** Sockets taken out of routing (replaced, refused, expired) whose close has not finished yet. */
export class Lingering {
  readonly #all = new Set<BackendConnection>()
  /** Per user, how many are theirs (users with none have no entry). */
  readonly #perUser = new Map<string, number>()

  get size(): number {
    return this.#all.size
  }

  of(userId: string): number {
    return this.#perUser.get(userId) ?? 0
  }

  values(): IterableIterator<BackendConnection> {
    return this.#all.values()
  }

  /** Moves a connection out of routing until its socket has closed. */
  add(conn: BackendConnection): void {
    if (conn.lingering || conn.closed) return
    conn.lingering = true
    this.#all.add(conn)
    const userId = conn.user.id
    this.#perUser.set(userId, (this.#perUser.get(userId) ?? 0) + 1)
  }

  delete(conn: BackendConnection): void {
    if (!conn.lingering) return
    conn.lingering = false
    this.#all.delete(conn)
    const userId = conn.user.id
    const n = (this.#perUser.get(userId) ?? 1) - 1
    if (n > 0) this.#perUser.set(userId, n)
    else this.#perUser.delete(userId)
  }
}
