import type { BackendConnection } from './connection.js'
import { DRAIN_FRAME } from './frames.js'

export type DrainParts = {
  /** Every socket not closed yet. */
  sockets: () => BackendConnection[]
  /** How many sockets are still open. */
  open: () => number
  /** Closes one with 1001, dropping it if it has not closed after `graceMs`. */
  close: (conn: BackendConnection, graceMs: number) => void
}

/**
 * Graceful stop of the backend sockets: `drain` to every backend, then close 1001 once they are gone
 * or after `closeAfterMs`, and wait (at most `closeAfterMs` more) for the sockets to finish closing.
 */
export async function drainSockets(closeAfterMs: number, parts: DrainParts): Promise<void> {
  for (const conn of parts.sockets()) {
    if (!conn.closing) {
      try {
        conn.socket.send(DRAIN_FRAME)
      } catch {
        // closing already
      }
    }
  }
  await waitClosed(parts.open, closeAfterMs)
  for (const conn of parts.sockets()) parts.close(conn, closeAfterMs)
  await waitClosed(parts.open, closeAfterMs)
  for (const conn of parts.sockets()) conn.socket.terminate()
}

async function waitClosed(open: () => number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs
  while (open() > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10))
  }
}
