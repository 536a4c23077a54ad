import { BACKEND_SOCKET_PATH, PROTOCOL_VERSION, type RelayHealth, type RelayOnlineUsers } from '@pp/contracts'
import type { FastifyInstance } from 'fastify'
import type { BackendHub } from '../backends/hub.js'
import type { Cluster } from '../cluster/cluster.js'
import type { RelayConfig } from '../config.js'
import { operatorGuard } from './operator.js'

const ENDPOINTS = [
  { method: 'GET', path: '/health', description: 'status, uptime, users online, connections, events routed' },
  {
    method: 'GET',
    path: '/api/users/online',
    description: 'backends connected: [{id, displayName, backendUrl, connectedAt}]',
  },
  { method: 'GET', path: '/api/sessions', description: 'session rooms and their members' },
  { method: 'GET', path: '/metrics', description: 'Prometheus metrics' },
  { method: 'WS', path: BACKEND_SOCKET_PATH, description: 'backend socket (Authorization: Bearer <JWT>)' },
  { method: 'WS', path: '/ws/{session_id}/{user_id}', description: 'session room for desktop clients' },
] as const

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c)
}

/** `/health`, `/api/users/online`, `/metrics` and the API page at `/`. */
export function registerHttpRoutes(
  app: FastifyInstance,
  config: RelayConfig,
  hub: BackendHub,
  cluster: Cluster | undefined,
): void {
  const startedAt = Date.now()
  const operator = operatorGuard(config)

  app.get('/health', async (): Promise<RelayHealth> => {
    const status = cluster?.status() ?? { mode: 'embedded', redis: 'disabled', nodes: 1 }
    const local = { total_events_routed: hub.eventsRouted, total_connections: app.health.connections() }
    const totals: Record<string, number> = cluster === undefined ? local : await cluster.totals(local)
    return {
      status: status.redis === 'disconnected' ? 'degraded' : 'healthy',
      uptime: Math.floor((Date.now() - startedAt) / 1000),
      active_users: hub.onlineUsers().length,
      total_connections: totals.total_connections ?? local.total_connections,
      total_events_routed: totals.total_events_routed ?? local.total_events_routed,
      node_id: config.nodeId,
      node: {
        id: config.nodeId,
        active_users: hub.activeUsers,
        connections: local.total_connections,
        events_routed: local.total_events_routed,
      },
      cluster: { ...status, nodes: totals.nodes ?? status.nodes },
      redis: status.redis,
      protocol: PROTOCOL_VERSION,
      ...app.health.fields(),
    }
  })

  app.get(
    '/api/users/online',
    { preHandler: operator },
    async (): Promise<RelayOnlineUsers> =>
      hub.onlineUsers().map((u) => ({
        id: u.id,
        displayName: u.displayName,
        backendUrl: u.backendUrl,
        connectedAt: u.connectedAt,
      })),
  )

  app.get('/metrics', { preHandler: operator }, async (_request, reply) => {
    const text = await app.metrics.registry.metrics()
    return reply.header('content-type', app.metrics.registry.contentType).send(text)
  })

  app.get('/', async (request, reply) => {
    if (!(request.headers.accept ?? '').includes('text/html')) {
      return {
        name: 'Portfolio Planner collaboration relay',
        protocol: PROTOCOL_VERSION,
        endpoints: ENDPOINTS,
      }
    }
    const rows = ENDPOINTS.map(
      (e) =>
        `<tr><td>${e.method}</td><td><code>${escapeHtml(e.path)}</code></td><td>${escapeHtml(e.description)}</td></tr>`,
    ).join('\n')
    return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Collaboration relay</title></head>
<body>
<h1>Portfolio Planner collaboration relay</h1>
<p>Knows who is online and routes events between backends. It stores no data. Protocol ${PROTOCOL_VERSION}.</p>
<table>
<thead><tr><th>method</th><th>path</th><th>what</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body></html>
`)
  })
}
