import type { RelayMetrics } from '../metrics.js'
import { ReplacementBudgets } from './token-bucket.js'

export type AdmitVerdict = 'ok' | 'too_many_connections' | 'replaced_too_often'

/** Whether another connection of a user may be attached: the per-user limit and the replacement budget. */
export class Admission {
  readonly #replacements = new ReplacementBudgets()
  readonly #maxPerUser: number
  readonly #metrics: RelayMetrics

  constructor(maxPerUser: number, metrics: RelayMetrics) {
    this.#maxPerUser = maxPerUser
    this.#metrics = metrics
  }

  /**
   * Not over the per-user limit (`active`: the user has a routing connection here; `lingering`: how many
   * of theirs are still closing), and not replacing the user's link more often than the budget allows.
   */
  admit(userId: string, active: boolean, lingering: number): AdmitVerdict {
    if ((active ? 1 : 0) + lingering > this.#maxPerUser) return 'too_many_connections'
    if (!active) return 'ok'
    if (this.#replacements.take(userId)) {
      this.#metrics.replacements.labels('replaced').inc()
      return 'ok'
    }
    this.#metrics.replacements.labels('refused').inc()
    return 'replaced_too_often'
  }

  /** The user's link is gone: its replacement budget starts afresh. */
  forget(userId: string): void {
    this.#replacements.delete(userId)
  }
}
