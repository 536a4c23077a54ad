import { expect, test } from 'vitest'
import { exposedNames, metricNames } from './promql.js'

// The check "every metric a panel or rule names exists" is only as good as this reading of PromQL.
test('reads the metric names of an expression, not its functions, labels or keywords', () => {
  expect(
    metricNames(
      'histogram_quantile(0.99, sum by (instance, le) (rate(collab_routing_latency_seconds_bucket{job="relay"}[$__rate_interval])))',
    ),
  ).toEqual(['collab_routing_latency_seconds_bucket'])
  expect(metricNames('backend_relay_link_up == 0 and on (instance) up{job="backend"} == 1')).toEqual([
    'backend_relay_link_up',
    'up',
  ])
  expect(metricNames('increase(backend_relay_disconnects_total[15m]) > 3')).toEqual([
    'backend_relay_disconnects_total',
  ])
})

test('a histogram family answers to its _bucket, _sum and _count series', () => {
  const names = exposedNames('# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 0\n# TYPE g gauge\ng 1\n')
  expect([...names].sort()).toEqual(['g', 'h', 'h_bucket', 'h_count', 'h_sum'])
})
