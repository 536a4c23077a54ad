import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { secretCheck } from '../../auth/api-token.js'
import { type Authenticator, bearerOf } from '../../auth/credentials.js'
import type { Hub } from '../../hub.js'
import { createAppMetrics, httpRequestDuration } from '../../metrics.js'
import { errorBody } from '../../routes/error-body.js'

/**
 * `GET /metrics` (Prometheus text) and the request-duration histogram. The page names this user's peers
 * (outbox gauges by peer id), so it is not public: it takes `Authorization: Bearer <METRICS_TOKEN>` (a
 * scrape-only token, for Prometheus), or whatever opens the REST API (the API token, a session cookie,
 * BACKEND_AUTH=none); else 401. The Host check of every request applies as well.
 */
export type MetricsOptions = {
  hub: Hub
  auth: Authenticator
  metricsToken: string | undefined
  collaboration: boolean
  /** Browser sockets on the live channel. */
  liveClients: () => number
}

export default fp(metricsPlugin, { name: 'metrics' })

async function metricsPlugin(app: FastifyInstance, opts: MetricsOptions): Promise<void> {
  const { hub, auth, metricsToken } = opts
  const isScraper = metricsToken === undefined ? () => false : secretCheck(metricsToken)
  const metrics = createAppMetrics({
    ...(opts.collaboration ? { link: () => hub.linkState() } : {}),
    outbox: async () =>
      (await hub.status()).peers.map((p) => ({
        peer: p.user.id,
        pending: p.pending,
        oldestAgeMs: p.oldestPendingAgeMs,
      })),
    liveClients: opts.liveClients,
  })

  app.addHook('onResponse', async (req, reply) => {
    httpRequestDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
  })

  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    const bearer = bearerOf(req.headers.authorization)
    const scraper = bearer !== undefined && isScraper(bearer)
    if (!scraper && (await auth.identify(req.headers)) === null) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(
          errorBody(
            401,
            'Sign-in required: Authorization: Bearer <METRICS_TOKEN> (or the API token) for /metrics',
          ),
        )
    }
    return reply.header('content-type', metrics.contentType).send(await metrics.metrics())
  })
}
