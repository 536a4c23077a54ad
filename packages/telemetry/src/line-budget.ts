/** The part of a logger a line budget writes its summary to (pino's `info`). */
export type SummaryLog = { info(fields: Record<string, unknown>, message: string): void }

export type LineBudgetOptions = {
  /** Lines a second one by one, and the burst allowed above that. */
  perSec: number
  burst: number
  /** Writes the summary line for `n` lines not written in the last second. */
  summary: (log: SummaryLog, n: number) => void
}

/**
 * A budget for per-event log lines: one line per event at a person's pace; under load (more than
 * `perSec` a second after a burst) the excess is only counted, and one summary line a second says how
 * many were left out. So a default configuration never spends as much on logging as on the work itself,
 * and the lines stay greppable whenever people, not a load, make the events. What is counted in
 * /metrics is counted whatever the budget.
 */
export class LineBudget {
  readonly #log: SummaryLog
  readonly #opts: LineBudgetOptions
  #tokens: number
  #refilledAt = Date.now()
  #unlogged = 0
  #timer: NodeJS.Timeout | null = null

  constructor(log: SummaryLog, opts: LineBudgetOptions) {
    this.#log = log
    this.#opts = opts
    this.#tokens = opts.burst
  }

  /** Whether this event gets its line(s); if not, it is counted for the next summary line. */
  take(): boolean {
    const now = Date.now()
    if (now > this.#refilledAt) {
      this.#tokens = Math.min(
        this.#opts.burst,
        this.#tokens + ((now - this.#refilledAt) * this.#opts.perSec) / 1000,
      )
      this.#refilledAt = now
    }
    if (this.#tokens >= 1) {
      this.#tokens -= 1
      return true
    }
    this.#unlogged += 1
    if (this.#timer === null) {
      this.#timer = setTimeout(() => this.#summarize(), 1000)
      this.#timer.unref()
    }
    return false
  }

  /** Writes the summary of lines not written yet (at shutdown). */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#summarize()
  }

  #summarize(): void {
    this.#timer = null
    const n = this.#unlogged
    this.#unlogged = 0
    if (n > 0) this.#opts.summary(this.#log, n)
  }
}
