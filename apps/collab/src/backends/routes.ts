import type { IncomingMessage } from 'node:http'
import { BACKEND_SOCKET_PATH } from '@pp/contracts'
import type { FastifyInstance } from 'fastify'
import type { RelayConfig } from '../config.js'
import { type BackendIdentity, bearerToken, verifyBackendToken } from './auth.js'
import type { BackendHub } from './hub.js'

/** The backend URL a backend may announce on its upgrade (`X-Backend-Url`), if it is an http(s) URL. */
function backendUrlOf(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string' || header.length > 2048) return null
  try {
    const url = new URL(header)
    return url.protocol === 'http:' || url.protocol === 'https:' ? header : null
  } catch {
    return null
  }
}

/**
 * `GET /v1/backends`: the backend socket. The upgrade is authorized in `preValidation`, before any
 * WebSocket exists: a refused request gets a plain HTTP answer (403 Origin, 401 token, 429 too many
 * sockets for the user) and its TCP connection is closed.
 */
export function registerBackendRoutes(app: FastifyInstance, config: RelayConfig, hub: BackendHub): void {
  const secret = new TextEncoder().encode(config.jwtSecret)
  const allowedOrigins = new Set(config.ALLOWED_ORIGINS)
  const identities = new WeakMap<IncomingMessage, BackendIdentity>()

  app.route({
    method: 'GET',
    url: BACKEND_SOCKET_PATH,
    preValidation: async (request, reply) => {
      if (!request.ws) return
      const origin = request.headers.origin
      if (origin !== undefined && !allowedOrigins.has(origin)) {
        app.metrics.authFailures.labels('403').inc()
        request.log.info({ origin }, 'backend upgrade refused: origin not allowed')
        return reply.code(403).send({ error: 'forbidden', message: 'origin not allowed' })
      }
      const result = await verifyBackendToken(bearerToken(request.headers.authorization), secret)
      if (!result.ok) {
        app.metrics.authFailures.labels('401').inc()
        request.log.info({ reason: result.reason }, 'backend upgrade refused')
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'unauthorized', message: result.reason })
      }
      if (!hub.canAccept(result.identity.user.id)) {
        app.metrics.authFailures.labels('429').inc()
        request.log.warn({ user: result.identity.user.id }, 'backend upgrade refused: too many connections')
        return reply
          .code(429)
          .send({ error: 'too_many_connections', message: 'too many connections for this user' })
      }
      identities.set(request.raw, result.identity)
    },
    handler: async (_request, reply) =>
      reply.code(426).header('upgrade', 'websocket').send({
        error: 'upgrade_required',
        message: 'connect with a WebSocket client and Authorization: Bearer <token>',
      }),
    wsHandler: (socket, request) => {
      const identity = identities.get(request.raw)
      if (identity === undefined) {
        socket.terminate()
        return
      }
      // The websocket plugin's default error listener terminates at once, which can cut off the close
      // frame `ws` sends for a protocol error (1009, 1002); the hub's listener logs and lets it finish.
      socket.removeAllListeners('error')
      hub.attach(socket, identity, backendUrlOf(request.headers['x-backend-url']))
    },
  })
}
