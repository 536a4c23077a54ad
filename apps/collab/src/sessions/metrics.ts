import { Counter, Gauge, type Registry } from 'prom-client'
import type { SessionMetricsSink } from './types.js'

/** Session-room metrics in the relay's registry; `stats` feeds the gauges at scrape time. */
export function createSessionMetrics(
  registry: Registry,
  stats: () => { sessions: number; connections: number },
): SessionMetricsSink {
  const registers = [registry]
  new Gauge({
    name: 'collab_sessions',
    help: 'Session rooms with at least one member on this node',
    registers,
    collect() {
      this.set(stats().sessions)
    },
  })
  new Gauge({
    name: 'collab_session_connections',
    help: 'Session sockets open on this node',
    registers,
    collect() {
      this.set(stats().connections)
    },
  })
  const opened = new Counter({
    name: 'collab_session_connections_total',
    help: 'Session sockets accepted on this node',
    registers,
  })
  const received = new Counter({
    name: 'collab_session_messages_received_total',
    help: 'Session messages received, by kind (ping, broadcast, sync, error)',
    labelNames: ['kind'] as const,
    registers,
  })
  const sent = new Counter({
    name: 'collab_session_messages_sent_total',
    help: 'Session messages sent to members',
    registers,
  })
  const closes = new Counter({
    name: 'collab_session_closes_total',
    help: 'Session sockets closed, by close code',
    labelNames: ['code'] as const,
    registers,
  })
  const limited = new Counter({
    name: 'collab_session_rate_limited_total',
    help: 'Session messages dropped by the per-connection rate limit',
    registers,
  })
  return {
    rateLimited: () => limited.inc(),
    connectionOpened: () => opened.inc(),
    messageReceived: (kind) => received.inc({ kind }),
    messagesSent: (n) => {
      if (n > 0) sent.inc(n)
    },
    closed: (code) => closes.inc({ code: String(code) }),
  }
}
