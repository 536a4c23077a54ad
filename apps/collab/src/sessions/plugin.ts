import {
  CloseCode,
  SESSION_PATH_PATTERN,
  type SessionHealthFields,
  type SessionMemberRef,
  SessionName,
  type SessionsResponse,
} from '@pp/contracts'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { RawData, WebSocket } from 'ws'
import { RateGate } from '../backends/token-bucket.js'
import { originAllowed, type RelayConfig } from '../config.js'
import { operatorGuard } from '../routes/operator.js'
import { verifySessionToken } from './auth.js'
import { createSessionHub } from './hub.js'
import { createSessionMetrics } from './metrics.js'
import type { SessionTransport } from './rooms.js'
import type { SessionConnection, SessionHub, SessionStats } from './types.js'

/** The interval desktop clients are asked to send `{"type":"ping"}` at (the seed's Qt client: 30 s). */
export const SESSION_HEARTBEAT_INTERVAL_MS = 30_000
/** A socket that has not finished its closing handshake this long after `close` is dropped. */
export const SESSION_CLOSE_TIMEOUT_MS = 10_000
/** On shutdown, how long members get to answer the closing handshake before their sockets are dropped. */
const SHUTDOWN_GRACE_MS = 1_000

export type SessionsPluginOptions = { config: RelayConfig }

declare module 'fastify' {
  interface FastifyInstance {
    sessions: SessionHub
  }
}

/** The session counts `/health` reports. */
export function sessionHealthFields(stats: SessionStats): SessionHealthFields {
  return {
    active_sessions: stats.sessions,
    session_connections: stats.connections,
    session_messages_received: stats.messagesReceived,
    session_messages_routed: stats.messagesRouted,
  }
}

/** The session counts of a built relay, for a `/health` handler. */
export function getSessionHealth(app: FastifyInstance): SessionHealthFields {
  return sessionHealthFields(app.sessions.stats())
}

/**
 * Session rooms for desktop clients (Qt `QWebSocket`, Python `websockets`):
 * `GET /ws/:sessionId/:userId` (WebSocket) and `GET /api/sessions`.
 * The sockets get no server-initiated protocol pings: liveness is the client's `{"type":"ping"}`.
 */
async function sessionsPlugin(app: FastifyInstance, { config }: SessionsPluginOptions): Promise<void> {
  const log = app.log.child({ component: 'sessions' })
  const sockets = new Set<WebSocket>()
  let hub: SessionHub | undefined
  const metrics = createSessionMetrics(app.metrics.registry, () => {
    const s = hub?.stats()
    return { sessions: s?.sessions ?? 0, connections: s?.connections ?? 0 }
  })
  hub = createSessionHub({
    idleTimeoutMs: config.SESSION_IDLE_TIMEOUT_MS,
    syncTimeoutMs: config.SESSION_SYNC_TIMEOUT_MS,
    maxMessageBytes: config.MAX_PAYLOAD_BYTES,
    heartbeatIntervalMs: SESSION_HEARTBEAT_INTERVAL_MS,
    log,
    metrics,
    // Scale-out: session messages cross relay nodes through the cluster link (REDIS_URL).
    ...(app.cluster === undefined
      ? {}
      : {
          fanout: (sessionId: string, text: string, audience: { except: string } | { only: string }) =>
            app.cluster?.publishSession({ sessionId, text, audience }),
          remote: {
            members: (sessionId?: string) => app.cluster?.remoteSessionMembers(sessionId) ?? [],
            announce: (member: SessionMemberRef, joined: boolean) =>
              app.cluster?.sessionMember(member, joined),
          },
        }),
  })
  const sessions = hub
  app.cluster?.onSession((m) => sessions.remoteText(m.sessionId, m.text, m.audience))
  app.cluster?.onSessionMembers({
    localMembers: () => sessions.localMembers(),
    remoteMember: (member, joined, gone) => sessions.remoteMember(member, joined, gone),
  })
  app.decorate('sessions', sessions)
  app.health.contribute(
    () => sessionHealthFields(sessions.stats()),
    () => sessions.openConnections(),
  )

  const allowedOrigin = originAllowed(config)

  const transportFor = (socket: WebSocket): SessionTransport => ({
    send(text) {
      if (socket.readyState !== socket.OPEN) return
      if (socket.bufferedAmount > config.SEND_BUFFER_LIMIT_BYTES) {
        log.warn({ buffered: socket.bufferedAmount }, 'session client too slow, closing')
        closeSocket(socket, CloseCode.TRY_AGAIN_LATER, 'client too slow: send buffer full')
        return
      }
      socket.send(text)
    },
    close(code, reason) {
      closeSocket(socket, code, reason)
    },
  })

  app.route<{ Params: { sessionId: string; userId: string }; Querystring: { token?: string } }>({
    method: 'GET',
    url: SESSION_PATH_PATTERN,
    // A plain HTTP request (a browser, curl) is told how to connect instead of getting a bare 404.
    handler: async (_request, reply) =>
      reply.code(426).header('upgrade', 'websocket').send({
        error: 'upgrade_required',
        message: 'connect with a WebSocket client: ws://HOST:PORT/ws/{session_id}/{user_id}',
      }),
    // A browser page may open a session socket only from an origin in ALLOWED_ORIGINS (CORS does not
    // apply to WebSockets); desktop clients send no Origin and pass. Refused before the upgrade: 403.
    preValidation: async (request, reply) => {
      const origin = request.headers.origin
      if (allowedOrigin(origin)) return
      log.info({ origin }, 'session upgrade refused: origin not allowed')
      app.metrics.authFailures.labels('403').inc()
      await reply.code(403).send({ error: 'forbidden', message: 'origin not allowed' })
    },
    wsHandler: (socket, request) => {
      sockets.add(socket)
      prepareSocket(socket, config.MAX_PAYLOAD_BYTES, (err) =>
        log.info({ err: err.message, code: errorCode(err) }, 'session socket error'),
      )
      const { sessionId, userId } = request.params

      // Frames that arrive while the token is checked are held, then handled in order.
      let connection: SessionConnection | undefined
      const held: Array<{ data: RawData; isBinary: boolean }> = []
      let closedBeforeJoin = false
      const sendError = (code: 'invalid_message' | 'rate_limited', message: string) => {
        if (socket.readyState === socket.OPEN)
          socket.send(JSON.stringify({ type: 'error', code, message, timestamp: new Date().toISOString() }))
      }
      const dispatch = (conn: SessionConnection, data: RawData, isBinary: boolean) => {
        try {
          if (isBinary) conn.binary()
          else conn.text(rawToString(data))
        } catch (err) {
          // No message ends the process: one that slipped past the checks is refused, the room goes on.
          log.error({ err, session: sessionId, user: userId }, 'session message handling failed; refused')
          sendError('invalid_message', 'message could not be handled')
        }
      }
      // The same token bucket as backend sockets: a warning, then drops, then 1008 if it goes on.
      const gate = new RateGate(config.RATE_LIMIT_PER_SEC, config.RATE_LIMIT_BURST)
      socket.on('message', (data, isBinary) => {
        const verdict = gate.check()
        if (verdict !== 'pass') {
          metrics.rateLimited()
          if (verdict === 'warn') {
            log.info({ session: sessionId, user: userId }, 'session client over the rate limit')
            sendError(
              'rate_limited',
              `over ${config.RATE_LIMIT_PER_SEC} messages/s: message dropped; slow down`,
            )
          } else if (verdict === 'close') {
            log.warn(
              { session: sessionId, user: userId },
              'session client kept exceeding the rate limit; closing',
            )
            metrics.closed(CloseCode.POLICY_VIOLATION)
            closeSocket(socket, CloseCode.POLICY_VIOLATION, 'rate limit exceeded')
          }
          return
        }
        if (connection === undefined) held.push({ data, isBinary })
        else dispatch(connection, data, isBinary)
      })
      socket.on('ping', () => connection?.activity())
      socket.on('close', (code) => {
        sockets.delete(socket)
        if (connection === undefined) closedBeforeJoin = true
        else connection.closed(code)
      })

      const refuse = (reason: string) => {
        log.info({ session: sessionId, user: userId, reason }, 'session connection refused')
        metrics.closed(CloseCode.POLICY_VIOLATION)
        closeSocket(socket, CloseCode.POLICY_VIOLATION, reason)
      }
      if (!SessionName.safeParse(sessionId).success)
        return refuse('invalid session id: use 1-128 characters, no control characters or /')
      if (!SessionName.safeParse(userId).success)
        return refuse('invalid user id: use 1-128 characters, no control characters or /')

      const join = () => {
        if (closedBeforeJoin || socket.readyState !== socket.OPEN) return
        const conn = sessions.connect(sessionId, userId, transportFor(socket))
        connection = conn
        for (const { data, isBinary } of held.splice(0)) dispatch(conn, data, isBinary)
      }
      if (config.SESSION_AUTH === 'open') {
        // Anyone may claim any user id here, so a claim never takes a connected member's place: only a
        // token (SESSION_AUTH=required) proves the newcomer is that user.
        if (sessions.isConnected(sessionId, userId))
          return refuse('user id already connected to this session (open rooms never hand a connection over)')
        return join()
      }
      void verifySessionToken(request.query.token, sessionId, userId, config.verifyKeys).then((result) => {
        if (result.ok) join()
        else refuse(result.reason)
      })
    },
  })

  app.get('/api/sessions', { preHandler: operatorGuard(config) }, async (): Promise<SessionsResponse> => {
    // With REDIS_URL, every node's members (a session is one room across the nodes).
    const list = sessions.list()
    const connections = list.reduce((n, s) => n + s.users.length, 0)
    return { sessions: list, total_sessions: list.length, total_connections: connections }
  })

  app.addHook('preClose', async () => {
    sessions.closeAll(CloseCode.GOING_AWAY, 'server shutting down')
    const deadline = Date.now() + SHUTDOWN_GRACE_MS
    while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    for (const socket of sockets) socket.terminate()
    sessions.stop()
  })
}

// Shares `app.sessions` with the app the plugin is registered in.
export default fp(sessionsPlugin, { name: 'sessions', dependencies: ['websocket', 'backends'] })

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}

function errorCode(err: Error): string | undefined {
  const code: unknown = (err as Error & { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** Closes with a code and reason, and drops the socket if the handshake does not finish in time. */
function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === socket.CLOSED) return
  if (socket.readyState === socket.OPEN) socket.close(code, reason)
  const timer = setTimeout(() => socket.terminate(), SESSION_CLOSE_TIMEOUT_MS)
  timer.unref()
  socket.once('close', () => clearTimeout(timer))
}

/**
 * Per-socket adjustments:
 * - `ws` closes an oversized message with 1009 but no reason; give it one.
 * - The websocket plugin's default error handler terminates the socket at once, which can cut off
 *   that close frame; session sockets log the error and let the closing handshake finish instead.
 */
function prepareSocket(socket: WebSocket, maxBytes: number, onError: (err: Error) => void): void {
  const close = socket.close.bind(socket)
  socket.close = (code?: number, reason?: string | Buffer) => {
    if (code === CloseCode.MESSAGE_TOO_BIG && reason === undefined) {
      close(code, `message too big: the maximum is ${maxBytes} bytes`)
      const timer = setTimeout(() => socket.terminate(), SESSION_CLOSE_TIMEOUT_MS)
      timer.unref()
      socket.once('close', () => clearTimeout(timer))
      return
    }
    close(code, reason)
  }
  socket.removeAllListeners('error')
  socket.on('error', onError)
}
