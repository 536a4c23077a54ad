import { randomBytes } from 'node:crypto'
import type { Duplex } from 'node:stream'
import type { RelayOnlineUser, UserRef } from '@pp/contracts'
import type { Logger } from 'pino'
import type { RawData, WebSocket } from 'ws'
import { RateGate } from './token-bucket.js'

/** Options `ws` is given for every text frame (allocated once). */
const TEXT = { binary: false } as const

/** Connection ids are this process's random prefix and a counter: unique across relay nodes. */
const CONN_PREFIX = randomBytes(6).toString('hex')
let connSeq = 0

/** Where a connection's socket events go (the hub), through the shared listeners of socket-listeners.ts. */
export interface ConnectionOwner {
  readonly log: Logger
  onMessage(conn: BackendConnection, data: RawData, isBinary: boolean): void
  onClose(conn: BackendConnection, code: number): void
}

/**
 * One backend's socket and what the relay knows about it. Kept small: a node holds tens of thousands
 * of these, so what can be derived (the connection id, the `RelayOnlineUser` view) is derived on demand.
 */
export class BackendConnection {
  readonly #seq = ++connSeq
  /** The user's `{id, displayName}` serialized once: it goes into every event this backend sends. */
  readonly userJson: string
  /** User ids this backend watches. */
  watching: ReadonlySet<string> = new Set()
  /**
   * Users this backend tried to send to while they were offline (`undeliverable`): it hears once when
   * each comes online, watched back or not (it could learn as much by sending again).
   */
  awaiting: Set<string> | undefined
  missedPongs = 0
  /** True once the relay decided to close it: nothing more is routed to it. */
  closing = false
  /** Out of routing, waiting for its socket to close (in the hub's `Lingering`). */
  lingering = false
  /** Its socket has closed. */
  closed = false
  /** Corked by the hub for the rest of this turn of the event loop. */
  corked = false
  /** Its frame rate: pass, warn (`rate_limited`), drop, or close. */
  readonly rate: RateGate
  readonly #connectedAt = Date.now()

  constructor(
    readonly owner: ConnectionOwner,
    readonly socket: WebSocket,
    /** The TCP socket under `socket`. */
    readonly raw: Duplex,
    readonly user: UserRef,
    /** The token's `exp`, ms since the epoch. */
    readonly expiresAt: number,
    readonly backendUrl: string | null,
    rate: { perSec: number; burst: number },
  ) {
    this.userJson = JSON.stringify(user)
    this.rate = new RateGate(rate.perSec, rate.burst)
  }

  /** Unique among every connection of every relay node. */
  get connId(): string {
    return `${CONN_PREFIX}-${this.#seq}`
  }

  get info(): RelayOnlineUser {
    return {
      id: this.user.id,
      displayName: this.user.displayName,
      backendUrl: this.backendUrl,
      connectedAt: new Date(this.#connectedAt).toISOString(),
    }
  }

  get open(): boolean {
    return !this.closing && this.socket.readyState === 1
  }

  /** Sends a text frame. */
  send(text: string | Buffer): void {
    this.socket.send(text, TEXT)
  }
}
