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
