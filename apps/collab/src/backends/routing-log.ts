import type { UserRef } from '@pp/contracts'
import { LineBudget } from '@pp/telemetry'
import type { Logger } from 'pino'
import type { RelayMetrics } from '../metrics.js'

/** Routed events logged line by line per second (and in a burst); beyond that they are counted. */
export const ROUTING_LINES_PER_SEC = 200
const ROUTING_LINES_BURST = 400

/**
 * What the relay says about each routed event: the routed-event counts and the routing log lines.
 * Lines come one per event at a person's pace; under load (more than ROUTING_LINES_PER_SEC events a
 * second) the excess is counted and summed up in one line a second, so logging never costs as much
 * as routing. Every event is counted in /metrics either way.
 */
export class RoutingLog {
  readonly #log: Logger
  readonly #m: RelayMetrics
  readonly #budget: LineBudget
  /** Info lines are built only when info is logged (they are the hot path's only strings). */
  readonly lines: boolean

  constructor(log: Logger, metrics: RelayMetrics) {
    this.#log = log
    this.#m = metrics
    this.lines = log.isLevelEnabled('info')
    this.#budget = new LineBudget(log, {
      perSec: ROUTING_LINES_PER_SEC,
      burst: ROUTING_LINES_BURST,
      summary: (l, n) =>
        l.info(
          { collab_event: 'routed_unlogged', events: n },
          `${n} more routed events in the last second were counted, not logged one by one (over ${ROUTING_LINES_PER_SEC} a second; see collab_events_routed_total)`,
        ),
    })
  }

  /** Writes the summary of events not logged yet (at shutdown). */
  flush(): void {
    this.#budget.flush()
  }

  /** Counts `n` events of `type` delivered (or forwarded to another node), or found offline. */
  count(type: string, outcome: 'delivered' | 'offline', n = 1): void {
    const key = outcome === 'delivered' ? type : `${type}\u0000offline`
    const entry = this.#m.routedCounts.get(key)
    if (entry !== undefined) entry.n += n
    else this.#m.routedCounts.set(key, { type, outcome, n })
  }

  /**
   * The routing log lines, in the design's form (`position_shared event routed from User A: delivered
   * to User B`) and with the guide's `collab_event` field to grep for. `node` is the relay node that
   * delivered it when not this one.
   */
  routed(
    type: string,
    id: string,
    from: UserRef,
    to: { id: string; displayName?: string },
    outcome: 'offline' | { node?: string },
  ): void {
    if (!this.#budget.take()) return
    const toName = to.displayName ?? to.id
    const fields = { collab_event: type, event: type, id, from: from.id, to: to.id }
    if (outcome === 'offline') {
      this.#log.info(
        fields,
        `${type} event routed from ${from.displayName} to ${toName} (offline: not delivered)`,
      )
      return
    }
    const via = outcome.node === undefined ? '' : ` via ${outcome.node}`
    this.#log.info(fields, `${type} event routed from ${from.displayName}: delivered to ${toName}${via}`)
    // The testing guide's second line ("Delivered to User B").
    this.#log.info({ collab_event: type, event: type, id, to: to.id }, `Delivered to ${toName}`)
  }
}
