import { resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { API_PREFIX, parseJsonBounded } from '@pp/contracts'
import { contextFrom, type Span, SpanKind, startSpan, tracingOn, withContext } from '@pp/telemetry'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify'
import { type Logger, pino } from 'pino'
import { loadApiToken } from './auth/api-token.js'
import { BrowserPolicy } from './auth/browser-policy.js'
import { Authenticator } from './auth/credentials.js'
import { SignInStore } from './auth/sign-in-store.js'
import { type Config, webUrlOf } from './config.js'
import { keyFilePath, loadOwnKeys } from './crypto/own-keys.js'
import { type Db, openBackendDatabase } from './db/client.js'
import { HttpError } from './domain/errors.js'
import { seedMockPositions } from './domain/positions.js'
import { Hub } from './hub.js'
import { attachLiveChannel } from './live/live-channel.js'
import { registerMetrics } from './plugins/metrics.js'
import { DOCS_CSP, registerSecurity } from './plugins/security.js'
import { authRoutes, signInUrl } from './routes/auth.js'
import { errorBody } from './routes/error-body.js'
import { friendRoutes } from './routes/friends.js'
import { ideaRoutes } from './routes/ideas.js'
import { notificationRoutes } from './routes/notifications.js'
import { systemRoutes } from './routes/system.js'

export type BackendApp = {
  app: FastifyInstance
  hub: Hub
  db: Db
  log: Logger
  /** Sign-in: the API token's check, the session cookie's name, codes and sessions. */
  auth: Authenticator
}

let logDestination: ReturnType<typeof pino.destination> | undefined

/**
 * JSON lines on stdout, written asynchronously so that a request or an event never waits on its log
 * line (the per-event lines are info level); `flushLogs` before the process exits.
 */
export function createLogger(config: Config): Logger {
  logDestination ??= pino.destination({ dest: 1, sync: false })
  return pino(
    { level: config.LOG_LEVEL, base: { service: 'backend', user: config.BACKEND_DISPLAY_NAME } },
    logDestination,
  )
}

export function flushLogs(): void {
  try {
    logDestination?.flushSync()
  } catch {
    // a line that cannot be written at exit is lost either way
  }
}

/**
 * Builds one user's backend from its config: opens (and migrates) the database, reads (or creates) the
 * API token, registers the HTTP boundary (headers, CORS, browser checks, rate limits, sign-in), REST under
 * /api/v1 with OpenAPI at /docs, the socket.io live channel and the relay link. Nothing listens here;
 * the relay link starts when the app is ready.
 */
export async function buildApp(config: Config, log: Logger = createLogger(config)): Promise<BackendApp> {
  const { db, migrations } = await openBackendDatabase(config.database, { key: config.ENCRYPTION_KEY, log })
  if (migrations.applied.length > 0) log.info({ applied: migrations.applied }, 'database migrated')
  if (config.USE_MOCK_SCHWAB_DATA) await seedMockPositions(db)
  const required = config.BACKEND_AUTH === 'token'
  const apiToken = required ? loadApiToken(config) : { token: '', source: 'env' as const, path: null }
  if (apiToken.source === 'generated') log.info({ file: apiToken.path }, 'API token generated')
  if (!required)
    log.warn('BACKEND_AUTH=none: sign-in is off; anyone who can reach this port acts as this user')
  const auth = new Authenticator(apiToken.token, new SignInStore(db), config.BACKEND_USER_ID, required)
  const policy = new BrowserPolicy(config)
  const webUrl = webUrlOf(config)

  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    // Any path id reaches its route, whose own check answers 400 naming it (the default, 100, answers a
    // longer one with a bare 414 before the route runs). A URL cannot outgrow Node's 16 KiB of headers.
    routerOptions: { maxParamLength: 16 * 1024 },
    // TLS_CERT_FILE + TLS_KEY_FILE: REST and socket.io (same server) over HTTPS/WSS.
    ...(config.tls ? { https: config.tls } : {}),
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
  // Tracing (when on): each API request is a server span, continuing the browser's `traceparent`, and
  // active for the rest of the request, so the events it writes carry its trace.
  const spans = new WeakMap<object, Span>()
  app.addHook('onRequest', (req, _reply, done) => {
    if (!tracingOn() || !req.url.startsWith(API_PREFIX)) return done()
    const header = req.headers.traceparent
    const { span, ctx } = startSpan(`${req.method} ${req.routeOptions.url ?? 'unmatched'}`, {
      kind: SpanKind.SERVER,
      parent: contextFrom(typeof header === 'string' ? header : undefined),
    })
    spans.set(req, span)
    withContext(ctx, done)
  })
  app.addHook('onResponse', async (req, reply) => {
    const span = spans.get(req)
    if (span !== undefined) {
      span.setAttribute('http.response.status_code', reply.statusCode)
      span.end()
    }
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

  await registerSecurity(app, { config, auth, policy })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `Portfolio Planner backend (${config.BACKEND_DISPLAY_NAME})`,
        version: '1.0.0',
        description: 'One user’s service: positions, trade ideas, friends, shares, comments, notifications.',
      },
      components: {
        securitySchemes: {
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'BACKEND_API_TOKEN or the generated token file',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: auth.cookieName,
            description: 'Set by POST /auth/session',
          },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP })

  const ownKeys = loadOwnKeys(keyFilePath(config))
  if (ownKeys.created) log.info({ file: ownKeys.path }, 'signing and sealing keys created')
  const hub = new Hub(config, db, log, ownKeys.keys)
  await hub.loadNames()
  systemRoutes(app, hub, config.USE_MOCK_SCHWAB_DATA)
  friendRoutes(app, hub.ctx)
  ideaRoutes(app, hub.ctx)
  notificationRoutes(app, hub.ctx)
  authRoutes(app, auth, webUrl)

  const webDist = config.WEB_DIST ? resolve(config.WEB_DIST) : null
  if (webDist) await app.register(fastifyStatic, { root: webDist, wildcard: false })
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? ''
    if (webDist && req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/socket.io')) {
      return reply.sendFile('index.html')
    }
    return reply.code(404).send(errorBody(404, `Route ${req.method} ${path} not found`))
  })

  const io = attachLiveChannel(app.server, hub, { corsOrigins: config.CORS_ORIGINS, auth, policy }, log)
  registerMetrics(app, {
    hub,
    auth,
    metricsToken: config.metricsToken,
    collaboration: config.ENABLE_COLLABORATION,
    liveClients: () => io.of('/').sockets.size,
  })
  app.addHook('onReady', async () => {
    hub.start()
    // Like Jupyter: one line with a link that signs the browser in (the code works once, for 24 h).
    if (required && webUrl !== undefined) {
      const { code } = await auth.store.createCode()
      const url = signInUrl(webUrl, code)
      log.info({ signInUrl: url }, `sign in at ${url}`)
    }
  })
  app.addHook('preClose', async () => {
    io.disconnectSockets(true)
    io.engine.close()
  })
  app.addHook('onClose', async () => {
    await hub.stop()
    await db.$disconnect()
  })
  return { app, hub, db, log, auth }
}
