import type { IncomingMessage } from 'node:http'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'
import type { BrowserPolicy } from '../../auth/browser-policy.js'
import type { Authenticator, Principal } from '../../auth/credentials.js'
import type { Config } from '../../config.js'
import { errorBody } from '../../routes/error-body.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the caller is (set for every request that reaches a route); null when not signed in. */
    principal: Principal | null
  }
  interface FastifyContextConfig {
    /** The route answers without sign-in (health, the sign-in exchange itself). */
    public?: boolean
  }
}

/**
 * REST requests per minute per client address. A signed-in caller (the user's own page and scripts)
 * gets room no person can use up (the bench's 200 comments/s included); callers without valid
 * credentials get 600, which still covers a page reloading in a loop while it shows "Sign in required".
 */
export const RATE_LIMITS = { signedInPerMin: 20_000, anonymousPerMin: 600 } as const

/** The relaxed policy of the Swagger UI at /docs (it sets inline styles). */
export const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; " +
  "img-src 'self' data:; object-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'"

const SAFE_HOST = /^[a-z0-9.:[\]-]+$/i

function wsOf(origin: string): string {
  return origin.replace(/^http/, 'ws')
}

/** Paths that need sign-in: every REST route (unless public), and /docs outside development. */
function needsSignIn(req: FastifyRequest, production: boolean): boolean {
  if (req.method === 'OPTIONS') return false
  const route = req.routeOptions.url
  if (route === undefined) return /^\/api\//i.test(req.url)
  if (route.startsWith('/api/')) return req.routeOptions.config.public !== true
  return production && route.startsWith('/docs')
}

/** REST and its documentation (not the web app's files). */
function isApi(req: FastifyRequest): boolean {
  return /^\/(api|docs)(\/|$)/i.test(req.routeOptions.url ?? req.url)
}

function refuse(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply.code(status).send(errorBody(status, message))
}

/**
 * The backend's HTTP boundary: security headers (helmet), CORS for the listed origins only, the browser
 * checks (Host, Origin, Sec-Fetch-Site, JSON bodies), rate limits, and sign-in. One onRequest hook runs
 * the checks in that order, so a refused request never reaches a parser or a handler.
 */
export type SecurityOptions = { config: Config; auth: Authenticator; policy: BrowserPolicy }

export default fp(security, { name: 'security' })

async function security(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  const { config, auth, policy } = opts
  const listed = config.CORS_ORIGINS
  // One helmet middleware built once (@fastify/helmet builds one per request): the same headers.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        // React's style props go through the CSSOM, which style-src does not restrict.
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        connectSrc: [
          "'self'",
          (req: IncomingMessage) => {
            const host = req.headers.host ?? ''
            if (!SAFE_HOST.test(host)) return "'self'"
            const secure = 'encrypted' in req.socket && req.socket.encrypted === true
            return secure ? `wss://${host}` : `ws://${host}`
          },
          ...listed.flatMap((o) => [o, wsOf(o)]),
        ],
      },
    },
    // The app and the relay are separate origins on purpose; nothing here is embedded cross-origin.
    crossOriginEmbedderPolicy: false,
    // Served over plain http on localhost today; HSTS for `localhost` would stick to every local port.
    hsts: false,
  })
  app.addHook('onRequest', (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (err) => done(err instanceof Error ? err : undefined)),
  )
  await app.register(cors, {
    // Same-origin only unless CORS_ORIGINS lists more; credentials (the session cookie) for those.
    origin: listed.length > 0 ? [...listed] : false,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  })
  await app.register(rateLimit, { global: false })
  const limiter = app.createRateLimit({
    timeWindow: 60_000,
    keyGenerator: (req) => `${req.principal === null ? 'anonymous' : 'signed-in'}:${req.ip}`,
    max: (req) => (req.principal === null ? RATE_LIMITS.anonymousPerMin : RATE_LIMITS.signedInPerMin),
  })

  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (req, reply) => {
    const secure = req.protocol === 'https'
    const refusal = policy.requestRefusal(req.method, req.headers, secure)
    if (refusal !== undefined) return refuse(reply, refusal.status, refusal.message)
    // Source maps of the served bundle stay on the build machine.
    if (config.production && /\.map$/i.test(req.url.split('?')[0] ?? ''))
      return refuse(reply, 404, `Route ${req.method} ${req.url.split('?')[0]} not found`)
    if (!isApi(req)) return undefined
    req.principal = await auth.identify(req.headers)
    if (req.routeOptions.config.public !== true) {
      const limit = await limiter(req)
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header('retry-after', String(limit.ttlInSeconds))
        return refuse(
          reply,
          429,
          `Too many requests: at most ${limit.max} a minute; try again in ${limit.ttlInSeconds} s`,
        )
      }
    }
    if (req.principal === null && needsSignIn(req, config.production)) {
      const message =
        req.headers.authorization !== undefined
          ? 'Sign-in required: the Bearer token is not this backend’s API token'
          : 'Sign-in required: open the sign-in link the backend or launcher printed, or send Authorization: Bearer <api token>'
      return refuse(reply, 401, message)
    }
    return undefined
  })
}
