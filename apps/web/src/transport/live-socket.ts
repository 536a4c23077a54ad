import { LiveServerEvents, parseWith } from '@pp/contracts'
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import type { Live, LiveEventName, LiveHandlers } from './types'

/**
 * Reconnect quickly so the Live/Offline badge follows the backend within about a second:
 * first retry after 200 ms, never waiting more than 800 ms between tries.
 */
export const SOCKET_OPTIONS: Partial<ManagerOptions & SocketOptions> = {
  transports: ['websocket', 'polling'],
  reconnection: true,
  reconnectionDelay: 200,
  reconnectionDelayMax: 800,
  randomizationFactor: 0.25,
  timeout: 3000,
  // The handshake carries the session cookie, also when the backend is another origin (development).
  withCredentials: true,
}

/** After the backend closed the socket itself (it is shutting down), try again after this long. */
const RESTART_RETRY_MS = 250

const EVENT_NAMES = Object.keys(LiveServerEvents) as LiveEventName[]

/** socket.io link to the backend; every server event is parsed with its contract schema. */
export function createLiveSocket(origin: string, onInvalid: (event: string, message: string) => void): Live {
  let socket: Socket | null = null
  return {
    connect(handlers: LiveHandlers, onConnection) {
      if (socket) return
      const s = io(origin, SOCKET_OPTIONS)
      socket = s
      s.on('connect', () => onConnection(true))
      s.on('disconnect', (reason) => {
        onConnection(false)
        // A backend shutting down closes its sockets itself ("io server disconnect"), after which socket.io
        // does not retry on its own: start connecting again, with the same quick backoff.
        if (reason === 'io server disconnect') setTimeout(() => socket === s && s.connect(), RESTART_RETRY_MS)
      })
      s.on('connect_error', () => onConnection(false))
      for (const name of EVENT_NAMES) {
        s.on(name, (payload: unknown) => dispatch(handlers, name, payload, onInvalid))
      }
    },
    emit(event, payload) {
      socket?.emit(event, payload)
    },
    close() {
      socket?.close()
      socket = null
    },
  }
}

/** Validates one server event and hands it to its handler. */
export function dispatch(
  handlers: LiveHandlers,
  name: LiveEventName,
  payload: unknown,
  onInvalid: (event: string, message: string) => void,
): void {
  const r = parseWith(LiveServerEvents[name], payload)
  if (!r.ok) {
    onInvalid(name, r.message)
    return
  }
  // The schema for `name` produced this value, so it matches the handler for `name`.
  const handler = handlers[name] as (p: unknown) => void
  handler(r.value)
}
