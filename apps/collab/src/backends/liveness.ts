import type { BackendConnection } from './connection.js'

/** A connection is closed this long after its token's `exp` (the same leeway the upgrade allows). */
const EXPIRY_LEEWAY_MS = 30_000
/** How often token expiry is checked (one timer for the whole hub, not one per connection). */
export const EXPIRY_CHECK_MS = 1000

/** The connections' token expiry, checked by one timer for the whole hub. */
export class ExpiryWatch {
  /** The earliest token expiry (ms since the epoch) among the connections; a check before it is skipped. */
  #next = Number.POSITIVE_INFINITY

  /** A connection whose token expires at `expiresAt` (ms since the epoch) was attached. */
  note(expiresAt: number): void {
    if (expiresAt < this.#next) this.#next = expiresAt
  }

  /** The connections whose token expired more than the leeway ago. */
  expired(now: number, conns: Iterable<BackendConnection>): BackendConnection[] {
    if (now < this.#next + EXPIRY_LEEWAY_MS) return []
    const found: BackendConnection[] = []
    let next = Number.POSITIVE_INFINITY
    for (const conn of conns) {
      if (now >= conn.expiresAt + EXPIRY_LEEWAY_MS) found.push(conn)
      else if (conn.expiresAt < next) next = conn.expiresAt
    }
    this.#next = next
    return found
  }
}

/** One heartbeat: pings every socket, and returns those that missed two pongs (to be terminated). */
export function heartbeat(conns: readonly BackendConnection[]): BackendConnection[] {
  const dead: BackendConnection[] = []
  for (const conn of conns) {
    if (conn.missedPongs >= 2) {
      dead.push(conn)
      continue
    }
    conn.missedPongs++
    try {
      conn.socket.ping()
    } catch {
      // a socket that is closing cannot be pinged; its close handler cleans up
    }
  }
  return dead
}

/** The hub's two timers, the heartbeat and the expiry check; neither keeps the process alive. */
export class LivenessTimers {
  #heartbeat: NodeJS.Timeout | undefined
  #expiryCheck: NodeJS.Timeout | undefined

  start(heartbeatMs: number, beat: () => void, checkExpiry: (now: number) => void): void {
    this.#heartbeat = setInterval(beat, heartbeatMs).unref()
    this.#expiryCheck = setInterval(() => checkExpiry(Date.now()), EXPIRY_CHECK_MS).unref()
  }

  stop(): void {
    clearInterval(this.#heartbeat)
    clearInterval(this.#expiryCheck)
  }
}
