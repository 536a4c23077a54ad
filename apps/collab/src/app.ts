import { createServer } from 'node:http'
import websocket from '@fastify/websocket'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import pino, { type Logger } from 'pino'
import type { RelayConfig } from './config.js'
import { HealthReport } from './health.js'
import { createMetrics } from './metrics.js'
import sessionsPlugin from './sessions/plugin.js'

export type BuildOptions = {
  /** A pino logger to use instead of the default one (stdout, asynchronous). */
  logger?: Logger
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

/** Builds the relay from a validated config. Nothing listens until the caller calls `listen`. */
export async function buildApp(config: RelayConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const startedAt = Date.now()
  const app = Fastify({
    loggerInstance: (options.logger ?? createLogger(config).logger) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Upgraded sockets are closed by their owners; plain HTTP keep-alive sockets go at close.
    forceCloseConnections: true,
    // Half-open or never-upgrading TCP connections are dropped after AUTH_TIMEOUT_MS.
    serverFactory: (handler) => {
      const server = createServer(
        {
          headersTimeout: config.AUTH_TIMEOUT_MS,
          requestTimeout: config.AUTH_TIMEOUT_MS,
          connectionsCheckingInterval: Math.min(1000, config.AUTH_TIMEOUT_MS),
          keepAliveTimeout: 5000,
        },
        handler,
      )
      server.setTimeout(Math.max(config.AUTH_TIMEOUT_MS, 5000) * 6)
      return server
    },
  })

  app.decorate('metrics', createMetrics())
  app.decorate('health', new HealthReport())

  await app.register(websocket, {
    options: { maxPayload: config.MAX_PAYLOAD_BYTES, perMessageDeflate: false, clientTracking: false },
  })

  app.get('/health', async () => ({
    status: 'healthy',
    uptime: Math.floor((Date.now() - startedAt) / 1000),
    active_users: 0,
    total_connections: app.health.connections(),
    total_events_routed: 0,
    node_id: config.nodeId,
    ...app.health.fields(),
  }))

  await app.register(sessionsPlugin, { config })

  return app
}
