import { type IncomingMessage, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { BACKEND_SOCKET_PATH } from '@pp/contracts'
import type { FastifyInstance } from 'fastify'
import { WebSocketServer } from 'ws'
import { originAllowed, type RelayConfig } from '../config.js'
import { bearerToken, verifyBackendToken } from './auth.js'
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

const isBackendPath = (url: string | undefined): boolean =>
  url === BACKEND_SOCKET_PATH ||
  (url?.startsWith(BACKEND_SOCKET_PATH) === true && url.charCodeAt(BACKEND_SOCKET_PATH.length) === 63)

/** A plain HTTP answer on a socket that asked to upgrade; the TCP connection is closed once it is sent. */
function refuse(socket: Duplex, status: number, body: object, headers = ''): void {
  const json = JSON.stringify(body)
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(json)}\r\n` +
      `Connection: close\r\n${headers}\r\n${json}`,
  )
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

/**
 * `GET /v1/backends`: the backend socket.
 *
 * The upgrade is taken off the HTTP server before Fastify routes it: a backend socket then holds only
 * what `ws` needs (no Fastify request and reply kept alive for the socket's lifetime, about 3 KiB each),
 * which is what lets one node hold tens of thousands of idle backends. It is authorized before any
 * WebSocket exists: a refused request gets a plain HTTP answer (403 Origin, 401 token, 429 too many
 * sockets for the user, 503 shutting down) and its TCP connection is closed. Every other upgrade (the
 * session rooms) goes on to Fastify; a plain GET on the path gets 426.
 */
export function registerBackendRoutes(app: FastifyInstance, config: RelayConfig, hub: BackendHub): void {
  const allowedOrigin = originAllowed(config)
  const log = app.log.child({ component: 'backends' })
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  })
  const { authFailures } = app.metrics

  const onSocketError = (err: Error) => log.debug({ err: err.message }, 'backend upgrade socket error')

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Node removes its socket error listener before emitting 'upgrade'; keep one until `ws` owns it.
    socket.on('error', onSocketError)
    if (hub.draining) {
      refuse(socket, 503, {
        error: 'shutting_down',
        message: 'the relay is shutting down; reconnect shortly',
      })
      return
    }
    const origin = req.headers.origin
    if (!allowedOrigin(origin)) {
      authFailures.labels('403').inc()
      log.info({ origin }, 'backend upgrade refused: origin not allowed')
      refuse(socket, 403, { error: 'forbidden', message: 'origin not allowed' })
      return
    }
    const result = await verifyBackendToken(bearerToken(req.headers.authorization), config.verifyKeys)
    if (!result.ok) {
      authFailures.labels('401').inc()
      log.info({ reason: result.reason }, 'backend upgrade refused')
      refuse(socket, 401, { error: 'unauthorized', message: result.reason }, 'WWW-Authenticate: Bearer\r\n')
      return
    }
    const identity = result.identity
    const admitted = hub.admit(identity.user.id)
    if (admitted !== 'ok') {
      authFailures.labels('429').inc()
      const message =
        admitted === 'too_many_connections'
          ? 'too many connections for this user'
          : "this user's link was replaced too often; retry later"
      log.warn({ user: identity.user.id, reason: admitted }, `backend upgrade refused: ${message}`)
      refuse(socket, 429, { error: admitted, message })
      return
    }
    if (socket.destroyed) return
    const backendUrl = backendUrlOf(req.headers['x-backend-url'])
    socket.removeListener('error', onSocketError)
    // `ws` answers a malformed handshake (key, version) with 400 itself.
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, identity, backendUrl, socket))
  }

  // The other upgrade listeners (the websocket plugin's, which routes session-room upgrades through
  // Fastify) run for every path but this one.
  const server = app.server
  const others = server.listeners('upgrade') as UpgradeListener[]
  if (others.length === 0) throw new Error('register @fastify/websocket before the backend routes')
  server.removeAllListeners('upgrade')
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (isBackendPath(req.url)) {
      upgrade(req, socket, head).catch((err: unknown) => {
        log.warn({ err }, 'backend upgrade failed')
        socket.destroy()
      })
      return
    }
    for (const listener of others) listener.call(server, req, socket, head)
  })

  app.get(BACKEND_SOCKET_PATH, async (_request, reply) =>
    reply.code(426).header('upgrade', 'websocket').send({
      error: 'upgrade_required',
      message: 'connect with a WebSocket client and Authorization: Bearer <token>',
    }),
  )
}
