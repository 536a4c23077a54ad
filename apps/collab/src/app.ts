import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import websocket from '@fastify/websocket'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify'
import pino, { type Logger } from 'pino'
import { BackendHub } from './backends/hub.js'
import { registerBackendRoutes } from './backends/routes.js'
import type { Cluster } from './cluster/cluster.js'
import { createCluster } from './cluster/create.js'
import type { RelayConfig } from './config.js'
import { HealthReport } from './health.js'
import { createMetrics } from './metrics.js'
import { registerHttpRoutes } from './routes/http.js'
import sessionsPlugin from './sessions/plugin.js'

export type BuildOptions = {
  /** A pino logger to use instead of the default one (stdout, asynchronous). */
  logger?: Logger
}

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
 * The relay's logger: JSON lines on stdout, written asynchronously so routing never waits on it.
 * Call `flushSync` before the process exits.
 */
export function createLogger(config: RelayConfig): { logger: Logger; flushSync: () => void } {
  const destination = pino.destination({ dest: 1, sync: false })
  const logger = pino({ level: config.LOG_LEVEL, base: { node: config.nodeId } }, destination)
  return {
    logger,
    flushSync: () => {
      try {
        destination.flushSync()
      } catch {
        // nothing more can be done about a log line that cannot be written at exit
      }
    },
  }
}

/**
 * The router's own refusals (400 bad URL encoding, 414 path parameter too long), answered as Fastify
 * would. @fastify/websocket leaves a WebSocket upgrade answered with one open, so the client would wait
 * for the close until its own timeout: the connection is closed once the answer is written.
 */
function refuseRouting(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (request.headers.upgrade !== undefined) {
    const socket = request.raw.socket
    reply.header('connection', 'close')
    reply.raw.once('finish', () => socket.destroySoon())
  }
  void reply.send(error)
}

/** Builds the relay from a validated config. Nothing listens until the caller calls `listen`. */
export async function buildApp(config: RelayConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger(config).logger
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Plain HTTP keep-alive sockets are closed at once on close; upgraded sockets by their owners.
    forceCloseConnections: true,
    // Session and user ids are up to 128 characters (256 UTF-16 code units when outside the BMP); the
    // default (100) answers longer path parameters with 414 instead of letting the session route refuse them.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: refuseRouting,
    // Half-open or never-upgrading TCP connections are dropped after AUTH_TIMEOUT_MS. With TLS_CERT_FILE
    // and TLS_KEY_FILE the same server speaks HTTPS, and WebSocket upgrades on it are WSS.
    serverFactory: (handler) => {
      const options = {
        headersTimeout: config.AUTH_TIMEOUT_MS,
        requestTimeout: config.AUTH_TIMEOUT_MS,
        connectionsCheckingInterval: Math.min(1000, config.AUTH_TIMEOUT_MS),
        keepAliveTimeout: 5000,
      }
      return config.tls
        ? (createHttpsServer({ ...options, ...config.tls }, handler) as unknown as ReturnType<
            typeof createServer
          >)
        : createServer(options, handler)
    },
  })

  app.decorate('metrics', createMetrics())
  app.decorate('health', new HealthReport())

  await app.register(websocket, {
    options: { maxPayload: config.MAX_PAYLOAD_BYTES, perMessageDeflate: false, clientTracking: false },
  })

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

  registerBackendRoutes(app, config, hub)
  registerHttpRoutes(app, config, hub, cluster)
  await app.register(sessionsPlugin, { config })

  app.addHook('onReady', async () => {
    await cluster?.start(hub, () => ({
      total_events_routed: hub.eventsRouted,
      total_connections: app.health.connections(),
      active_users: hub.activeUsers,
    }))
    hub.start()
  })
  app.addHook('preClose', async () => {
    await hub.drain(DRAIN_GRACE_MS)
  })
  app.addHook('onClose', async () => {
    await cluster?.stop()
  })

  return app
}
