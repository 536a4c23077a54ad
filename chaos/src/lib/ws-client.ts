import WebSocket from 'ws'
import { token } from './tokens.js'

export type Frame = { type?: unknown; [k: string]: unknown }
export type CloseInfo = { code: number; reason: string }
export type User = { id: string; name: string }

/**
 * A raw WebSocket client that records every frame it receives and lets a test wait for one.
 * With `autoAck` it behaves like a backend's inbox: it answers each `event` with `ack {id, to}`.
 */
export class Conn {
  readonly frames: Frame[] = []
  readonly closed: Promise<CloseInfo>
  closeInfo: CloseInfo | undefined
  /** Frames that were not JSON (counted, kept short). */
  readonly garbage: string[] = []
  private waiters: (() => void)[] = []

  constructor(
    readonly ws: WebSocket,
    readonly user: User | undefined,
    opts: { autoAck?: boolean; onFrame?: (f: Frame, c: Conn) => void } = {},
  ) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') }
        resolve(this.closeInfo)
        this.wake()
      })
    })
    ws.on('error', () => {
      // surfaced through `closed`
    })
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : String(data)
      let frame: Frame
      try {
        frame = JSON.parse(text) as Frame
      } catch {
        this.garbage.push(text.slice(0, 200))
        return
      }
      this.frames.push(frame)
      if (opts.autoAck && frame.type === 'event') {
        const from = frame.from as { id?: unknown } | undefined
        if (typeof frame.id === 'string' && typeof from?.id === 'string') {
          this.send({ type: 'ack', id: frame.id, to: from.id })
        }
      }
      opts.onFrame?.(frame, this)
      this.wake()
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Waits for a frame matching `pred` at index ≥ `from`; resolves with it and its index. */
  async next(
    pred: (f: Frame) => boolean,
    { from = 0, timeoutMs = 10_000 }: { from?: number; timeoutMs?: number } = {},
  ): Promise<{ frame: Frame; index: number }> {
    const deadline = Date.now() + timeoutMs
    let i = from
    for (;;) {
      for (; i < this.frames.length; i++) {
        const f = this.frames[i] as Frame
        if (pred(f)) return { frame: f, index: i }
      }
      if (this.closeInfo !== undefined) {
        throw new Error(`connection closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting`)
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** Waits for the next frame after index `from` or the close, whichever comes first. */
  async nextOrClose(from: number, timeoutMs = 10_000): Promise<{ frame?: Frame; close?: CloseInfo }> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const f = this.frames[from]
      if (f !== undefined) return { frame: f }
      if (this.closeInfo !== undefined) return { close: this.closeInfo }
      const left = deadline - Date.now()
      if (left <= 0) return {}
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  ofType(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type)
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    this.ws.terminate()
    await this.closed
  }
}

/** Opens a socket; resolves once open (or rejects with the HTTP status of a refused upgrade). */
export function openSocket(
  url: string,
  headers: Record<string, string> = {},
  opts: { autoAck?: boolean; user?: User; onFrame?: (f: Frame, c: Conn) => void } = {},
): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: 30_000 })
    const conn = new Conn(ws, opts.user, opts)
    ws.once('open', () => resolve(conn))
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`upgrade refused: HTTP ${res.statusCode}`))
      res.resume()
      ws.terminate()
    })
    ws.once('error', (err) => reject(err))
  })
}

/** A backend-like connection: a valid token for `user`, waits for `welcome`. */
export async function connectBackend(
  url: string,
  user: User,
  opts: { autoAck?: boolean; headers?: Record<string, string>; onFrame?: (f: Frame, c: Conn) => void } = {},
): Promise<Conn> {
  const jwt = await token(user.id, user.name)
  const conn = await openSocket(
    url,
    { authorization: `Bearer ${jwt}`, ...opts.headers },
    { user, autoAck: opts.autoAck ?? true, ...(opts.onFrame ? { onFrame: opts.onFrame } : {}) },
  )
  await conn.next((f) => f.type === 'welcome', { timeoutMs: 15_000 })
  return conn
}

export type UpgradeResult = { upgraded: boolean; status: number | undefined; error: string | undefined }

/** Attempts one upgrade; never throws. `upgraded` is true if the server answered 101. */
export function tryUpgrade(url: string, headers: Record<string, string>): Promise<UpgradeResult> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, handshakeTimeout: 15_000 })
    ws.on('error', (err) => resolve({ upgraded: false, status: undefined, error: err.message }))
    ws.once('open', () => {
      resolve({ upgraded: true, status: 101, error: undefined })
      ws.terminate()
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve({ upgraded: false, status: res.statusCode, error: undefined })
      res.resume()
      ws.terminate()
    })
  })
}
