import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import { type Logger, pino } from 'pino'
import { loadApiToken } from './auth/api-token.js'
import { BrowserPolicy } from './auth/browser-policy.js'
import { Authenticator } from './auth/credentials.js'
import { SignInStore } from './auth/sign-in-store.js'
import { type Config, webUrlOf } from './config.js'
import { keyFilePath, loadOwnKeys } from './crypto/own-keys.js'
import { type Db, openBackendDatabase } from './db/client.js'
import { seedMockPositions } from './domain/positions.js'
import { Hub } from './hub.js'
import httpBoundary from './plugins/app/http-boundary.js'
import hubPlugin from './plugins/app/hub.js'
import security from './plugins/app/security.js'
import compress from './plugins/external/compress.js'
import docs from './plugins/external/docs.js'
import web from './plugins/external/web.js'
import { authRoutes, signInUrl } from './routes/auth.js'
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
  await app.register(httpBoundary)
  await app.register(compress)
  await app.register(security, { config, auth, policy })
  await app.register(docs, { displayName: config.BACKEND_DISPLAY_NAME, cookieName: auth.cookieName })

  const ownKeys = loadOwnKeys(keyFilePath(config))
  if (ownKeys.created) log.info({ file: ownKeys.path }, 'signing and sealing keys created')
  const hub = new Hub(config, db, log, ownKeys.keys)
  await hub.loadNames()
  systemRoutes(app, hub, config.USE_MOCK_SCHWAB_DATA)
  friendRoutes(app, hub.ctx)
  ideaRoutes(app, hub.ctx)
  notificationRoutes(app, hub.ctx)
  authRoutes(app, auth, webUrl)
  await app.register(web, { webDist: config.WEB_DIST })
  await app.register(hubPlugin, { hub, db, config, auth, policy, log })

  // Like Jupyter: one line with a link that signs the browser in (the code works once, for 24 h).
  app.addHook('onReady', async () => {
    if (!required || webUrl === undefined) return
    const { code } = await auth.store.createCode()
    const url = signInUrl(webUrl, code)
    log.info({ signInUrl: url }, `sign in at ${url}`)
  })
  return { app, hub, db, log, auth }
}
