import type { RawData, WebSocket } from 'ws'
import type { BackendConnection } from './connection.js'

/** The connection on a backend `WebSocket`, so the listeners can be shared by every socket. */
const CONN = Symbol('backendConnection')
type HubSocket = WebSocket & { [CONN]?: BackendConnection }

/** Puts `conn` on its socket and adds the shared listeners, which hand what happens to `conn.owner`. */
export function listenTo(socket: WebSocket, conn: BackendConnection): void {
  ;(socket as HubSocket)[CONN] = conn
  socket.on('message', onSocketMessage)
  socket.on('pong', onSocketPong)
  socket.on('close', onSocketClose)
  socket.on('error', onSocketError)
}

// Listeners shared by every backend socket (one function each, not closures per connection).
function onSocketMessage(this: HubSocket, data: RawData, isBinary: boolean): void {
  const conn = this[CONN]
  if (conn !== undefined) conn.owner.onMessage(conn, data, isBinary)
}
function onSocketPong(this: HubSocket): void {
  const conn = this[CONN]
  if (conn !== undefined) conn.missedPongs = 0
}
function onSocketClose(this: HubSocket, code: number): void {
  const conn = this[CONN]
  if (conn !== undefined) conn.owner.onClose(conn, code)
}
function onSocketError(this: HubSocket, err: Error): void {
  const conn = this[CONN]
  conn?.owner.log.debug({ user: conn.user.id, err: err.message }, 'backend socket error')
}
