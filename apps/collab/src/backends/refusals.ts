import type { ErrorCode } from '@pp/contracts'
import type { Logger } from 'pino'
import type { RelayMetrics } from '../metrics.js'
import type { BackendConnection } from './connection.js'
import { errorFrame, type Inbound } from './frames.js'
import type { RateVerdict } from './token-bucket.js'
import type { CorkedWriter } from './write-path.js'

/** Frames the relay refuses: answered with an `error` frame, counted and logged. */
export class Refusals {
  readonly #writer: CorkedWriter
  readonly #metrics: RelayMetrics
  readonly #log: Logger
  readonly #ratePerSec: number

  constructor(writer: CorkedWriter, metrics: RelayMetrics, log: Logger, ratePerSec: number) {
    this.#writer = writer
    this.#metrics = metrics
    this.#log = log
    this.#ratePerSec = ratePerSec
  }

  error(conn: BackendConnection, code: ErrorCode, message: string, ref?: string): void {
    this.#metrics.errors.labels(code).inc()
    this.#log.debug({ user: conn.user.id, code, ref }, `frame refused: ${message}`)
    this.#writer.send(conn, errorFrame(code, message, ref))
  }

  /**
   * A frame whose handling threw. No frame ends the process: whatever slipped past the edge's checks is
   * refused like a bad frame, and the connection and its peers carry on.
   */
  failed(conn: BackendConnection, frame: Inbound, err: unknown): void {
    this.#log.error({ err, user: conn.user.id, type: frame.type }, 'frame handling failed; refused')
    this.error(conn, 'invalid_frame', 'frame could not be handled', 'id' in frame ? frame.id : undefined)
  }

  /**
   * A frame over the rate: `warn` is answered with an error, `drop` is dropped silently; true when the
   * connection is to close.
   */
  rateLimited(conn: BackendConnection, verdict: Exclude<RateVerdict, 'pass'>): boolean {
    if (verdict === 'warn')
      this.error(conn, 'rate_limited', `over ${this.#ratePerSec} frames/s: frame dropped; slow down`)
    if (verdict !== 'close') return false
    this.#log.warn({ user: conn.user.id }, `${conn.user.displayName} kept exceeding the rate limit; closing`)
    return true
  }
}
