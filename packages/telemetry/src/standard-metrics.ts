/**
 * prom-client's three default gauges named `*_total`: that suffix means a counter to Prometheus (promtool
 * lint refuses them), and each is the sum of its per-type twin without the suffix
 * (`sum(nodejs_active_handles)`).
 */
export const TOTAL_NAMED_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const

/**
 * prom-client's default metrics under their standard names (`process_*`, `nodejs_*`, as stock dashboards
 * expect), without its gauges named `*_total`. Both servers call it with prom-client's own
 * `collectDefaultMetrics`; typed by shape, so this package needs no prom-client.
 */
export function collectStandardMetrics<R extends { removeSingleMetric(name: string): void }>(
  registry: R,
  collectDefaultMetrics: (config: { register: R }) => void,
): void {
  collectDefaultMetrics({ register: registry })
  for (const name of TOTAL_NAMED_GAUGES) registry.removeSingleMetric(name)
}
