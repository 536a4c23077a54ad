import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify'
import pino, { type Logger } from 'pino'
import { registerBackendRoutes } from './backends/routes.js'
import type { RelayConfig } from './config.js'
import backendsPlugin, { DRAIN_GRACE_MS } from './plugins/app/backends.js'
import observability from './plugins/app/observability.js'
import websocketPlugin from './plugins/external/websocket.js'
import { registerHttpRoutes } from './routes/http.js'
import sessionsPlugin from './sessions/plugin.js'

export type BuildOptions = {
  /** A pino logger to use instead of the default one (stdout, asynchronous). */
  logger?: Logger
}

export { DRAIN_GRACE_MS }

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

  await app.register(observability)
  await app.register(websocketPlugin, { config })
  await app.register(backendsPlugin, { config, logger })
  registerBackendRoutes(app, config, app.backends)
  registerHttpRoutes(app, config, app.backends, app.cluster)
  await app.register(sessionsPlugin, { config })
  // After the session rooms' own preClose (server.ts starts the drain as the close begins).
  app.addHook('preClose', async () => {
    await app.backends.drain(DRAIN_GRACE_MS)
  })

  return app
}
