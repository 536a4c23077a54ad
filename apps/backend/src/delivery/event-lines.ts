import { LineBudget } from '@pp/telemetry'
import type { Logger } from 'pino'

/**
 * Event lines ("comment_added event sent to User B", "Received … event from …", "WebSocket broadcast …")
 * one by one per second.
 */
export const EVENT_LINES_PER_SEC = 200
const EVENT_LINES_BURST = 400

/**
 * The budget the per-event info lines share: every event gets its line at a person's pace; a load
 * beyond EVENT_LINES_PER_SEC is summed up in one line a second instead (every event is still counted
 * in /metrics).
 */
export function eventLines(log: Logger): LineBudget {
  return new LineBudget(log, {
    perSec: EVENT_LINES_PER_SEC,
    burst: EVENT_LINES_BURST,
    summary: (l, n) =>
      l.info(
        { events_unlogged: n },
        `${n} more event lines (sent, received, broadcast to the browser) in the last second were counted, not logged one by one (over ${EVENT_LINES_PER_SEC} a second; see backend_events_sent_total and backend_events_received_total)`,
      ),
  })
}
