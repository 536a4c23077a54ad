/** A token bucket: `ratePerSec` tokens a second, at most `burst` saved up. Starts full. */
export class TokenBucket {
  #tokens: number
  #last: number
  readonly #perMs: number
  readonly #burst: number

  constructor(ratePerSec: number, burst: number, now = Date.now()) {
    this.#perMs = ratePerSec / 1000
    this.#burst = burst
    this.#tokens = burst
    this.#last = now
  }

  /** Takes one token if there is one. */
  take(now = Date.now()): boolean {
    const elapsed = now - this.#last
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs)
      this.#last = now
    }
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}

/** What to do with one incoming message under a RateGate. */
export type RateVerdict = 'pass' | 'warn' | 'drop' | 'close'

/**
 * A token bucket with the relay's policy on top: the first message over the rate in an episode is
 * answered with a warning (`rate_limited`), later ones are dropped, and a sender that goes on (more
 * than a second's worth dropped after the warning) is closed (1008). An episode ends after a second
 * with nothing dropped.
 */
export class RateGate {
  readonly #bucket: TokenBucket
  readonly #closeAfter: number
  #limited = false
  #dropped = 0
  #lastDropAt = 0

  constructor(ratePerSec: number, burst: number, now = Date.now()) {
    this.#bucket = new TokenBucket(ratePerSec, burst, now)
    this.#closeAfter = Math.min(ratePerSec, burst)
  }

  check(now = Date.now()): RateVerdict {
    if (this.#bucket.take(now)) return 'pass'
    if (!this.#limited || now - this.#lastDropAt > 1000) {
      this.#limited = true
      this.#dropped = 0
      this.#lastDropAt = now
      return 'warn'
    }
    this.#lastDropAt = now
    this.#dropped++
    return this.#dropped >= this.#closeAfter ? 'close' : 'drop'
  }
}

/**
 * How often one user's link may be replaced by a new connection: a backend that reconnects over a
 * half-open link replaces it once; two holders of one user's token taking turns do it all the time.
 */
const REPLACEMENTS_BURST = 6
const REPLACEMENTS_PER_SEC = 1 / 10

/** Per user, its replacement budget, while it has an active connection here. */
export class ReplacementBudgets {
  readonly #budgets = new Map<string, TokenBucket>()

  /** Takes one replacement from the user's budget, if there is one left. */
  take(userId: string): boolean {
    let budget = this.#budgets.get(userId)
    if (budget === undefined) {
      budget = new TokenBucket(REPLACEMENTS_PER_SEC, REPLACEMENTS_BURST)
      this.#budgets.set(userId, budget)
    }
    return budget.take()
  }

  delete(userId: string): void {
    this.#budgets.delete(userId)
  }
}
