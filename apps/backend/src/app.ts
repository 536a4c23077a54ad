import { resolve } from 'node:path'
import cors from '@fastify/cors'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { type ErrorResponse, parseJsonBounded } from '@pp/contracts'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify'
import { type Logger, pino } from 'pino'
import { type Config, databasePath } from './config.js'
import { type Db, openDatabase } from './db/client.js'
import { HttpError } from './domain/errors.js'
import { seedMockPositions } from './domain/positions.js'
import { Hub } from './hub.js'
import { attachLiveChannel } from './live/live-channel.js'
import { friendRoutes } from './routes/friends.js'
import { ideaRoutes } from './routes/ideas.js'
import { notificationRoutes } from './routes/notifications.js'
import { systemRoutes } from './routes/system.js'

export type BackendApp = { app: FastifyInstance; hub: Hub; db: Db; log: Logger }

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
}

function errorBody(statusCode: number, message: string, field?: string): ErrorResponse {
  return {
    statusCode,
    error: STATUS_TEXT[statusCode] ?? 'Error',
    message,
    ...(field === undefined ? {} : { field }),
  }
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.LOG_LEVEL, base: { service: 'backend', user: config.BACKEND_DISPLAY_NAME } })
}

/**
 * Builds one user's backend from its config: opens (and migrates) the database, registers REST under
 * /api/v1 with OpenAPI at /docs, the socket.io live channel and the relay link. Nothing listens here;
 * the relay link starts when the app is ready.
 */
export async function buildApp(config: Config, log: Logger = createLogger(config)): Promise<BackendApp> {
  const { db, migrations } = await openDatabase(databasePath(config.DATABASE_URL))
  if (migrations.applied.length > 0) log.info({ applied: migrations.applied }, 'database migrated')
  if (config.USE_MOCK_SCHWAB_DATA) await seedMockPositions(db)

  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    // Any path id reaches its route, whose own check answers 400 naming it (the default, 100, answers a
    // longer one with a bare 414 before the route runs). A URL cannot outgrow Node's 16 KiB of headers.
    routerOptions: { maxParamLength: 16 * 1024 },
  })
  app.setValidatorCompiler(() => (data) => ({ value: data }))
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') return done(null, undefined)
    const parsed = parseJsonBounded(text)
    if (parsed.ok) done(null, parsed.value)
    else
      done(
        new HttpError(
          400,
          `body: ${parsed.message === 'not valid JSON' ? 'is not valid JSON' : `is ${parsed.message}`}`,
          'body',
        ),
        undefined,
      )
  })
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url, status: reply.statusCode }, 'request')
  })
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError)
      return reply.code(err.statusCode).send(errorBody(err.statusCode, err.message, err.field))
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500
    if (status >= 500) req.log.error({ err }, 'request failed')
    // A body over the limit (1 MiB) cannot be read to find the field: it is the body.
    if (status === 413) return reply.code(413).send(errorBody(413, `body: ${err.message}`, 'body'))
    return reply.code(status).send(errorBody(status, status >= 500 ? 'Internal Server Error' : err.message))
  })

  await app.register(cors, {
    origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  })
  if (config.CORS_ORIGINS.length === 0) log.warn('CORS_ORIGINS not set: any browser origin is allowed')
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `Portfolio Planner backend (${config.BACKEND_DISPLAY_NAME})`,
        version: '1.0.0',
        description: 'One user’s service: positions, trade ideas, friends, shares, comments, notifications.',
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  const hub = new Hub(config, db, log)
  systemRoutes(app, hub, config.USE_MOCK_SCHWAB_DATA)
  friendRoutes(app, hub.ctx)
  ideaRoutes(app, hub.ctx)
  notificationRoutes(app, hub.ctx)

  const webDist = config.WEB_DIST ? resolve(config.WEB_DIST) : null
  if (webDist) await app.register(fastifyStatic, { root: webDist, wildcard: false })
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? ''
    if (webDist && req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/socket.io')) {
      return reply.sendFile('index.html')
    }
    return reply.code(404).send(errorBody(404, `Route ${req.method} ${path} not found`))
  })

  const io = attachLiveChannel(app.server, hub, config.CORS_ORIGINS, log)
  app.addHook('onReady', async () => hub.start())
  app.addHook('preClose', async () => {
    io.disconnectSockets(true)
    io.engine.close()
  })
  app.addHook('onClose', async () => {
    await hub.stop()
    await db.$disconnect()
  })
  return { app, hub, db, log }
}
