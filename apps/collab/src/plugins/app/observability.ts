import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { HealthReport } from '../../health.js'
import { createMetrics } from '../../metrics.js'

/** `app.metrics` (this relay's Prometheus registry) and `app.health` (what `/health` reports). */
export default fp(
  async (app: FastifyInstance) => {
    app.decorate('metrics', createMetrics())
    app.decorate('health', new HealthReport())
  },
  { name: 'observability' },
)
