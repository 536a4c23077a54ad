import type { WebSocket } from 'ws'

/** A replaced or refused socket that does not finish its closing handshake is dropped after this. */
export const CLOSE_GRACE_MS = 1000
/** A slow consumer gets longer: its close frame waits behind everything already buffered. */
export const SLOW_CLOSE_GRACE_MS = 5000

/** Sends the close frame; the socket is terminated if it has not closed after `graceMs`. */
export function closeWithGrace(socket: WebSocket, code: number, reason: string, graceMs: number): void {
  try {
    socket.close(code, reason)
  } catch {
    socket.terminate()
    return
  }
  setTimeout(() => {
    if (socket.readyState !== socket.CLOSED) socket.terminate()
  }, graceMs).unref()
}
