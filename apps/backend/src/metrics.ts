import { collectStandardMetrics } from '@pp/telemetry'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/**
 * Prometheus metrics of the backend, served at `GET /metrics` (plugins/app/metrics.ts). The counters below
 * are process-wide (one backend per process in production): the delivery path increments them where the
 * thing happens, e.g. `eventsSent.inc({ type: event.type })`. What is read from the database or the app
 * at scrape time (outbox, relay link, live clients) is in `createAppMetrics`, one registry per app.
 */
export const registry = new Registry()

// prom-client's default metrics under their standard names, without its gauges named `*_total`.
collectStandardMetrics(registry, collectDefaultMetrics)

const registers = [registry]

/** Outcomes of a received event, as the inbox records them. */
export type ReceivedOutcome = 'applied' | 'ignored' | 'refused' | 'duplicate' | 'deferred'

export const eventsSent = new Counter({
  name: 'backend_events_sent_total',
  help: 'Domain events handed to the relay for a peer, by event type',
  labelNames: ['type'] as const,
  registers,
})

export const eventsReceived = new Counter({
  name: 'backend_events_received_total',
  help: 'Domain events received from peers, by event type and outcome (applied, ignored, refused, duplicate, deferred)',
  labelNames: ['type', 'outcome'] as const,
  registers,
})

export const eventsRefused = new Counter({
  name: 'backend_events_refused_total',
  help: 'Received events refused and not applied, by event type and reason: not_allowed (the domain said no; acked), or cannot_open, bad_signature, invalid_event, unknown_keys, changed_keys, invalid_frame (did not open or verify; left unacked but for invalid_event)',
  labelNames: ['type', 'reason'] as const,
  registers,
})

export const commitGroupSize = new Histogram({
  name: 'backend_commit_group_size',
  help: 'Transactions (REST writes, received events) committed together in one database commit (group commit)',
  buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  registers,
})

export const relayConnects = new Counter({
  name: 'backend_relay_connects_total',
  help: 'Times the relay link came up (the first connect and every reconnect)',
  registers,
})

export const relayDisconnects = new Counter({
  name: 'backend_relay_disconnects_total',
  help: 'Times an established relay link was lost',
  registers,
})

export const httpRequestDuration = new Histogram({
  name: 'backend_http_request_duration_seconds',
  help: 'HTTP requests by method, route (its pattern; "unmatched" for none) and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers,
})

/** What one app reports at scrape time. */
export type AppSources = {
  /** Undefined when collaboration is off (no relay link to report). */
  link?: () => { connected: boolean }
  /** Per peer (user id): events waiting in the outbox and the oldest one's age in ms (null: none). */
  outbox: () => Promise<Array<{ peer: string; pending: number; oldestAgeMs: number | null }>>
  /** Browser sockets on the live channel. */
  liveClients: () => number
}

/** The app's scrape-time gauges in their own registry, merged with the process-wide one. */
export function createAppMetrics(sources: AppSources): Registry {
  const own = new Registry()
  const registers = [own]
  if (sources.link !== undefined) {
    const link = sources.link
    new Gauge({
      name: 'backend_relay_link_up',
      help: 'Whether the link to the relay is up (1) or down (0)',
      registers,
      collect() {
        this.set(link().connected ? 1 : 0)
      },
    })
  }
  // One database read per scrape feeds both outbox gauges (prom-client collects each metric in turn).
  let reading: Promise<void> | null = null
  const readOutbox = (): Promise<void> => {
    reading ??= sources
      .outbox()
      .then((rows) => {
        pending.reset()
        oldest.reset()
        for (const r of rows) {
          pending.set({ peer: r.peer }, r.pending)
          if (r.oldestAgeMs !== null) oldest.set({ peer: r.peer }, r.oldestAgeMs / 1000)
        }
      })
      .finally(() => {
        reading = null
      })
    return reading
  }
  const pending = new Gauge({
    name: 'backend_outbox_pending',
    help: 'Events waiting in the outbox for a peer (not yet acknowledged), by peer user id',
    labelNames: ['peer'] as const,
    registers,
    collect: readOutbox,
  })
  const oldest = new Gauge({
    name: 'backend_outbox_oldest_age_seconds',
    help: 'Age of the oldest event waiting in the outbox for a peer, by peer user id (no sample: none waits)',
    labelNames: ['peer'] as const,
    registers,
    collect: readOutbox,
  })
  new Gauge({
    name: 'backend_live_clients',
    help: 'Browser sockets connected to the live channel',
    registers,
    collect() {
      this.set(sources.liveClients())
    },
  })
  return Registry.merge([registry, own])
}
