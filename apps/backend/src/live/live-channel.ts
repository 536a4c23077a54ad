import type { Server as HttpServer, IncomingMessage } from 'node:http'
import { LiveClientEvents, type LiveServerEvents, parseWith } from '@pp/contracts'
import type { Logger } from 'pino'
import { Server } from 'socket.io'
import type { BrowserPolicy } from '../auth/browser-policy.js'
import type { Authenticator } from '../auth/credentials.js'
import type { LiveEmit } from '../domain/effects.js'
import type { Hub } from '../hub.js'

type ClientEvents = { typing: (payload: unknown) => void }

export type LiveGate = { corsOrigins: readonly string[]; auth: Authenticator; policy: BrowserPolicy }

/**
 * The socket.io handshake's checks (CORS does not cover a WebSocket): the Host and Origin as for REST,
 * then the session cookie or the API token. A refusal answers the handshake 403 (the client's
 * connect_error) with the reason.
 */
async function admission(req: IncomingMessage, gate: LiveGate): Promise<string | undefined> {
  const secure = 'encrypted' in req.socket && req.socket.encrypted === true
  const refusal = gate.policy.upgradeRefusal(req.headers, secure)
  if (refusal !== undefined) return refusal.message
  if ((await gate.auth.identify(req.headers)) === null) return 'Sign-in required'
  return undefined
}

/**
 * The browser's live channel: socket.io on the backend's port at /socket.io. Pushes every committed
 * change as the contract's LiveServerEvents; on connect it sends the current `collab:status`.
 */
export function attachLiveChannel(
  server: HttpServer,
  hub: Hub,
  gate: LiveGate,
  log: Logger,
): Server<ClientEvents, LiveServerEvents> {
  const io = new Server<ClientEvents, LiveServerEvents>(server, {
    // Same-origin pages need no CORS; listed origins get it with credentials (the session cookie).
    ...(gate.corsOrigins.length > 0 ? { cors: { origin: [...gate.corsOrigins], credentials: true } } : {}),
    serveClient: false,
    allowRequest: (req, callback) => {
      admission(req, gate).then(
        (problem) => {
          if (problem !== undefined) log.debug({ problem }, 'live channel handshake refused')
          callback(problem ?? null, problem === undefined)
        },
        (err: unknown) => {
          log.error({ err }, 'live channel handshake failed')
          callback('Internal error', false)
        },
      )
    },
  })
  hub.attachLive({
    emit: (e: LiveEmit) => {
      // The union of names and payloads is checked where LiveEmit is built.
      ;(io.emit as (name: string, payload: unknown) => boolean)(e.name, e.payload)
      // The testing guide's "WebSocket broadcasts" line; typing and presence are chatty, so debug. A
      // load beyond the event lines' budget is summed up instead (one line a second).
      const chatty = e.name === 'typing' || e.name === 'presence'
      if (!chatty && hub.ctx.eventLines?.take() === false) return
      log[chatty ? 'debug' : 'info'](
        { live_event: e.name, browsers: io.engine.clientsCount },
        `WebSocket broadcast ${e.name} to ${io.engine.clientsCount} browser(s)`,
      )
    },
  })
  io.on('connection', (socket) => {
    log.debug({ socket: socket.id }, 'browser connected')
    hub
      .status()
      .then((s) => socket.emit('collab:status', s))
      .catch((err: unknown) => log.error({ err }, 'collab status failed'))
    socket.on('typing', (payload) => {
      const parsed = parseWith(LiveClientEvents.typing, payload)
      if (!parsed.ok) return
      hub
        .sendTyping(parsed.value.ideaId, parsed.value.activity)
        .catch((err: unknown) => log.error({ err }, 'typing failed'))
    })
  })
  return io
}
