/** Full-jitter exponential backoff: a random delay in [0, min(cap, base·2^attempt)]. */
export function fullJitter(
  attempt: number,
  baseMs = 250,
  capMs = RECONNECT_CAP_MS,
  random = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.floor(random() * ceiling)
}

/**
 * The backoff cap while the relay is unreachable: the testing guide's latency table wants the link back
 * within 3 s of the relay, so attempts are at most 2.5 s apart (DESIGN's 5 s would miss it).
 */
export const RECONNECT_CAP_MS = 2500
/** The cap after a relay's `drain`, until this backend is welcomed again (it is restarting or handing over). */
export const AFTER_DRAIN_CAP_MS = 1000

/**
 * Delay before the next connection attempt. A relay that announced `drain` is restarting or handing over:
 * until the link is back, attempts stay at most 1 s apart (still full jitter, so many backends do not
 * arrive together), so the link is back within about a second of the relay; otherwise 250 ms → 2.5 s.
 * `msSinceDrain` is negative when no drain came since the last welcome.
 */
export function reconnectDelayMs(attempt: number, msSinceDrain: number, random = Math.random): number {
  const cap = msSinceDrain >= 0 ? AFTER_DRAIN_CAP_MS : RECONNECT_CAP_MS
  return fullJitter(attempt, 250, cap, random)
}

/**
 * Delay before an unacknowledged outbox row is sent again: 5 s, 10 s, 20 s, then every 30 s. A busy
 * recipient may take a while to ack a burst; rows also go again at once when the link comes back or
 * the recipient comes online, so this only covers frames lost in between.
 */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000, 5000 * 2 ** Math.max(0, Math.min(attempts - 1, 15)))
}

/** Token bucket that keeps outgoing frames below the relay's per-connection rate limit. */
export class Pacer {
  private tokens: number
  private last = Date.now()

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst
  }

  /** Milliseconds to wait before one more frame may go (0 = now); takes the token when 0. */
  take(): number {
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)
  }
}
