import { randomUUID } from 'node:crypto'
import { relayToken } from '@pp/test-kit'
import { WebSocket } from 'ws'
import { TEST_SECRET, until } from './relay.js'

export const USER_A = { id: '00000000-0000-0000-0000-00000000000a', displayName: 'User A' }
export const USER_B = { id: '00000000-0000-0000-0000-00000000000b', displayName: 'User B' }
export const USER_C = { id: '00000000-0000-0000-0000-00000000000c', displayName: 'User C' }

export type Frame = { type: string } & Record<string, unknown>

export async function tokenFor(
  user: { id: string; displayName: string },
  opts: { ttlSeconds?: number; secret?: string; now?: number } = {},
): Promise<string> {
  return relayToken(user, {
    ...opts,
    secret: opts.secret ?? TEST_SECRET,
    ttlSeconds: opts.ttlSeconds ?? 3600,
  })
}

/** A real `ws` client acting as a backend: records every frame and how the socket closed. */
export class TestBackend {
  readonly frames: Frame[] = []
  closed: { code: number; reason: string } | undefined
  readonly closedPromise: Promise<{ code: number; reason: string }>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame)
    })
    ws.on('error', () => {})
    this.closedPromise = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() }
        resolve(this.closed)
      }),
    )
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  of(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type)
  }

  /** Waits for a frame matching `match` (from the start of the recording) and returns it. */
  async next(what: string, match: (f: Frame) => boolean): Promise<Frame> {
    return until(what, () => this.frames.find(match))
  }

  async waitClosed(): Promise<{ code: number; reason: string }> {
    return until('the socket to close', () => this.closed, 15_000)
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.terminate()
  }
}

/** Connects with `Authorization: Bearer` and waits for `welcome`. */
export async function connectBackend(
  wsUrl: string,
  user: { id: string; displayName: string },
  opts: { token?: string; headers?: Record<string, string> } = {},
): Promise<TestBackend> {
  const token = opts.token ?? (await tokenFor(user))
  const ws = new WebSocket(`${wsUrl}/v1/backends`, {
    headers: { authorization: `Bearer ${token}`, ...opts.headers },
    perMessageDeflate: false,
  })
  const backend = new TestBackend(ws)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`upgrade refused: ${res.statusCode}`))
      ws.terminate()
    })
    ws.once('error', reject)
  })
  await backend.next('welcome', (f) => f.type === 'welcome')
  return backend
}

/** Tries an upgrade that should be refused; resolves with the HTTP status. */
export async function refusedStatus(wsUrl: string, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(`${wsUrl}/v1/backends`, { headers, perMessageDeflate: false })
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('open', () => {
      ws.terminate()
      reject(new Error('upgrade was accepted'))
    })
    ws.once('error', () => {})
  })
}

/** A fresh event id for `send` frames. */
export const eventId = (): string => randomUUID()

export const typing = (ideaId = '0193aaaa-0000-7000-8000-000000000001') => ({ type: 'typing', ideaId })
