import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Logger } from 'pino'
import { BackendHub } from '../../backends/hub.js'
import type { Cluster } from '../../cluster/cluster.js'
import { createCluster } from '../../cluster/create.js'
import type { RelayConfig } from '../../config.js'

/** How long backends get after `drain` before they are closed with 1001 (and again before termination). */
export const DRAIN_GRACE_MS = 400

declare module 'fastify' {
  interface FastifyInstance {
    backends: BackendHub
    /** The link to the other relay nodes (REDIS_URL), or undefined when the relay runs alone. */
    cluster: Cluster | undefined
  }
}

/**
 * `app.backends` (the hub of backend sockets) and `app.cluster` (the other relay nodes, with REDIS_URL):
 * the cluster joins and the hub starts its timers when the app is ready, and the cluster is left when it
 * has closed. (Backends are drained in app.ts's preClose, after the session rooms' own.)
 */
export default fp(
  async (app: FastifyInstance, { config, logger }: { config: RelayConfig; logger: Logger }) => {
    const cluster = createCluster(config, logger.child({ component: 'cluster' }))
    const hub = new BackendHub({
      heartbeatMs: config.HEARTBEAT_MS,
      ratePerSec: config.RATE_LIMIT_PER_SEC,
      rateBurst: config.RATE_LIMIT_BURST,
      sendBufferLimit: config.SEND_BUFFER_LIMIT_BYTES,
      maxConnectionsPerUser: config.MAX_CONNECTIONS_PER_USER,
      log: logger.child({ component: 'backends' }),
      metrics: app.metrics,
      cluster,
    })
    app.decorate('backends', hub)
    app.decorate('cluster', cluster)
    app.health.contribute(
      () => ({ backend_connections: hub.openSockets }),
      () => hub.openSockets,
    )
    app.addHook('onReady', async () => {
      await cluster?.start(hub, () => ({
        total_events_routed: hub.eventsRouted,
        total_connections: app.health.connections(),
        active_users: hub.activeUsers,
      }))
      hub.start()
    })
    app.addHook('onClose', async () => {
      await cluster?.stop()
    })
  },
  { name: 'backends', dependencies: ['observability'] },
)
