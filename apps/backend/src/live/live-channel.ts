import type { Server as HttpServer } from 'node:http'
import { LiveClientEvents, type LiveServerEvents, parseWith } from '@pp/contracts'
import type { Logger } from 'pino'
import { Server } from 'socket.io'
import type { LiveEmit } from '../domain/effects.js'
import type { Hub } from '../hub.js'

type ClientEvents = { typing: (payload: unknown) => void }

/**
 * The browser's live channel: socket.io on the backend's port at /socket.io. Pushes every committed
 * change as the contract's LiveServerEvents; on connect it sends the current `collab:status`.
 */
export function attachLiveChannel(
  server: HttpServer,
  hub: Hub,
  corsOrigins: readonly string[],
  log: Logger,
): Server<ClientEvents, LiveServerEvents> {
  const io = new Server<ClientEvents, LiveServerEvents>(server, {
    cors: { origin: corsOrigins.length > 0 ? [...corsOrigins] : true, credentials: true },
    serveClient: false,
  })
  hub.attachLive({
    emit: (e: LiveEmit) => {
      // The union of names and payloads is checked where LiveEmit is built.
      ;(io.emit as (name: string, payload: unknown) => boolean)(e.name, e.payload)
      // The testing guide's "WebSocket broadcasts" line; typing and presence are chatty, so debug.
      const chatty = e.name === 'typing' || e.name === 'presence'
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
      hub.sendTyping(parsed.value.ideaId).catch((err: unknown) => log.error({ err }, 'typing failed'))
    })
  })
  return io
}
