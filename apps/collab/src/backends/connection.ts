import { randomUUID } from 'node:crypto'
import type { UserRef } from '@pp/contracts'
import type { WebSocket } from 'ws'
import type { OnlineUser } from '../cluster/cluster.js'
import { TokenBucket } from './token-bucket.js'

/** Options `ws` is given for every text frame (allocated once). */
const TEXT = { binary: false } as const

/** One backend's socket and what the relay knows about it. */
export class BackendConnection {
  readonly connId = randomUUID()
  readonly userJson: string
  readonly info: OnlineUser
  /** User ids this backend watches. */
  watching: readonly string[] = []
  missedPongs = 0
  /** True once the relay decided to close it: nothing more is routed to it. */
  closing = false
  /** True after a `rate_limited` error, until a second passes with no frame dropped. */
  limited = false
  /** Frames dropped since the `rate_limited` error. */
  dropped = 0
  /** When the last frame was dropped (ms since the epoch). */
  lastDropAt = 0
  readonly bucket: TokenBucket
  expiryTimer: NodeJS.Timeout | undefined

  constructor(
    readonly socket: WebSocket,
    readonly user: UserRef,
    readonly expiresAt: number,
    backendUrl: string | null,
    rate: { perSec: number; burst: number },
  ) {
    this.userJson = JSON.stringify(user)
    this.info = { ...user, backendUrl, connectedAt: new Date().toISOString() }
    this.bucket = new TokenBucket(rate.perSec, rate.burst)
  }

  get open(): boolean {
    return !this.closing && this.socket.readyState === 1
  }

  /** Sends a text frame; returns the bytes now waiting to be written to this socket. */
  send(text: string | Buffer): number {
    this.socket.send(text, TEXT)
    return this.socket.bufferedAmount
  }
}
