import type { BackendConnection } from './connection.js'
import { textFrame } from './wire.js'

/**
 * How frames leave for backend sockets. The first frame for a socket in a turn of the event loop corks
 * it; everything routed to it meanwhile leaves in one write when the turn ends (setImmediate, right after
 * the turn's I/O callbacks). Then a socket whose send buffer is still over the limit (bytes its backend
 * has not read, not the burst just routed to it) is handed to `onFull`, which closes it with 1013.
 */
export class CorkedWriter {
  /** Sockets corked this turn of the event loop. */
  #corked: BackendConnection[] = []
  readonly #limit: number
  readonly #onFull: (conn: BackendConnection) => void

  constructor(sendBufferLimit: number, onFull: (conn: BackendConnection) => void) {
    this.#limit = sendBufferLimit
    this.#onFull = onFull
  }

  /**
   * Sends to a connection that is open. `frame` is the frame's text, or a complete WebSocket frame from
   * `textFrame` (one encoding written to many sockets).
   */
  send(conn: BackendConnection, frame: string | Buffer): void {
    if (!conn.open) return
    if (!conn.corked) {
      conn.corked = true
      conn.raw.cork()
      if (this.#corked.length === 0) setImmediate(this.#uncorkAll)
      this.#corked.push(conn)
    }
    conn.raw.write(typeof frame === 'string' ? textFrame(frame) : frame)
  }

  readonly #uncorkAll = (): void => {
    const corked = this.#corked
    this.#corked = []
    for (let i = 0; i < corked.length; i++) {
      const conn = corked[i] as BackendConnection
      conn.corked = false
      conn.raw.uncork()
      if (!conn.closing && conn.socket.bufferedAmount > this.#limit) this.#onFull(conn)
    }
  }
}
