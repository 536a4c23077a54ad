import { traceparentOf, tracingOn } from '@pp/telemetry'

/** Traces of events written lately (in memory: after a restart an event simply starts no trace). */
const KEPT = 10_000
const traces = new Map<string, string>()

/** Notes the active trace (a REST request's, a received event's) as the one event `eventId` belongs to. */
export function rememberTrace(eventId: string): void {
  if (!tracingOn()) return
  const tp = traceparentOf()
  if (tp === undefined) return
  if (traces.size >= KEPT) {
    const oldest = traces.keys().next().value
    if (oldest !== undefined) traces.delete(oldest)
  }
  traces.set(eventId, tp)
}

export function traceOf(eventId: string): string | undefined {
  return traces.get(eventId)
}
