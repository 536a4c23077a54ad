import { collectStandardMetrics } from '@pp/telemetry'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/**
 * Prometheus metrics of one relay instance. Each app built by `buildApp` owns its own registry (so
 * several instances can live in one process, as tests do); it is reachable as `fastify.metrics`.
 * Other parts of the relay add their metrics to the same registry:
 *
 *   new Counter({ name: 'collab_session_messages_total', help: '…', registers: [fastify.metrics.registry] })
 */
export type RelayMetrics = ReturnType<typeof createMetrics>

/** Routed-event counts kept as plain numbers on the hot path; the counter reads them at scrape time. */
export type RoutedCounts = Map<string, { type: string; outcome: string; n: number }>

export function createMetrics() {
  const registry = new Registry()
  const routedCounts: RoutedCounts = new Map()
  collectStandardMetrics(registry, collectDefaultMetrics)
  const registers = [registry]
  return {
    registry,
    backendConnections: new Gauge({
      name: 'collab_backend_connections',
      help: 'Backend sockets open on this node',
      registers,
    }),
    backendConnectionsTotal: new Counter({
      name: 'collab_backend_connections_total',
      help: 'Backend sockets accepted on this node',
      registers,
    }),
    replacements: new Counter({
      name: 'collab_backend_replacements_total',
      help: "New connections that replaced a user's live link (replaced) or were refused for replacing it too often (refused)",
      labelNames: ['outcome'] as const,
      registers,
    }),
    authFailures: new Counter({
      name: 'collab_auth_failures_total',
      help: 'Refused backend upgrades by HTTP status',
      labelNames: ['status'] as const,
      registers,
    }),
    routedCounts,
    eventsRouted: new Counter({
      name: 'collab_events_routed_total',
      help: 'Event frames routed to a recipient, by event type and outcome (delivered, offline)',
      labelNames: ['type', 'outcome'] as const,
      registers,
      collect() {
        this.reset()
        for (const { type, outcome, n } of routedCounts.values()) this.labels(type, outcome).inc(n)
      },
    }),
    acks: new Counter({
      name: 'collab_acks_total',
      help: 'Acks passed back to the sender',
      registers,
    }),
    undeliverable: new Counter({
      name: 'collab_undeliverable_total',
      help: 'Undeliverable frames sent (recipient offline)',
      registers,
    }),
    errors: new Counter({
      name: 'collab_frame_errors_total',
      help: 'Error frames sent to backends, by code',
      labelNames: ['code'] as const,
      registers,
    }),
    closes: new Counter({
      name: 'collab_backend_closes_total',
      help: 'Backend sockets closed by the relay, by close code',
      labelNames: ['code'] as const,
      registers,
    }),
    routingLatency: new Histogram({
      name: 'collab_routing_latency_seconds',
      help: 'Time from receiving a send frame to handing its event to every recipient',
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers,
    }),
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: RelayMetrics
  }
}
