import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { Socket } from 'node:net'
import {
  BACKEND_SOCKET_PATH,
  type BackendFrame,
  type EventFrame,
  PROTOCOL_VERSION,
  parseFrame,
  parseJsonBounded,
  RelayFrame,
  type UserRef,
} from '@pp/contracts'
import type { Logger } from 'pino'
import WebSocket from 'ws'
import { reconnectDelayMs } from './backoff.js'

const RELAY_FRAME_TYPES: ReadonlySet<string> = new Set([
  'welcome',
  'presence',
  'event',
  'ack',
  'undeliverable',
  'error',
  'drain',
])

/** Node's codes for a TLS peer certificate the client does not trust or that does not match. */
const TLS_ERROR = /CERT|SELF_SIGNED|ERR_TLS|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/

/** No frame and no ping for this long: the link is presumed dead and replaced. */
export const SILENCE_TIMEOUT_MS = 60_000

export type RelayHandlers = {
  onUp(welcome: { user: UserRef; relayUrl: string; protocol: number }): void
  onDown(): void
  onFrame(frame: Exclude<RelayFrame, { type: 'welcome' }>): void
  /** An `event` frame whose event failed validation: acked so it is not retried, never applied. */
  onInvalidEvent(id: string, fromId: string, message: string): void
}

export type RelayClientOptions = {
  /** Relay base URLs (http(s) or ws(s)); tried in turn. */
  urls: readonly string[]
  token: () => Promise<string>
  backendUrl?: string | undefined
  log: Logger
  handlers: RelayHandlers
  silenceTimeoutMs?: number
  /** Extra CA certificate(s) (PEM) trusted for wss:// relays (COLLAB_CA_FILE). */
  ca?: string | undefined
}

/** `http://host:9000` → `ws://host:9000/v1/backends`. */
export function backendSocketUrl(base: string): string {
  const u = new URL(base)
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:'
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${BACKEND_SOCKET_PATH}`
  return u.toString()
}

/** `ws://host:9000/...` → `http://host:9000` (the relay's HTTP API base). */
export function relayHttpBase(base: string): string {
  const u = new URL(base)
  u.protocol = u.protocol === 'wss:' || u.protocol === 'https:' ? 'https:' : 'http:'
  return `${u.protocol}//${u.host}`
}

/** The largest relay HTTP answer read (the online list of a busy relay is well under this). */
const MAX_RELAY_ANSWER_BYTES = 8 * 1024 * 1024

/**
 * GET a relay's JSON over http or https, trusting `ca` (COLLAB_CA_FILE) besides the system CAs; global
 * fetch has no CA option. Throws on a non-2xx answer, bad JSON, a network error or the timeout.
 */
export function relayGetJson(url: string, ca: string | undefined, timeoutMs: number): Promise<unknown> {
  const u = new URL(url)
  const secure = u.protocol === 'https:'
  return new Promise((resolve, reject) => {
    const options = {
      method: 'GET',
      headers: { accept: 'application/json' },
      timeout: timeoutMs,
      ...(secure && ca !== undefined ? { ca } : {}),
    }
    const onResponse = (res: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        // A relay's answer is bounded like any other input: a runaway body ends the request, not the process.
        if (size > MAX_RELAY_ANSWER_BYTES) return req.destroy(new Error('relay answer too large'))
        chunks.push(c)
      })
      res.on('error', reject)
      res.on('end', () => {
        const status = res.statusCode ?? 0
        if (status < 200 || status > 299) return reject(new Error(`HTTP ${status}`))
        const parsed = parseJsonBounded(Buffer.concat(chunks).toString('utf8'))
        if (parsed.ok) resolve(parsed.value)
        else reject(new Error(`relay answer ${parsed.message}`))
      })
    }
    const req = secure ? httpsRequest(u, options, onResponse) : httpRequest(u, options, onResponse)
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end()
  })
}

/**
 * The backend's link to the relay: one WebSocket to `/v1/backends`, reconnected forever with
 * full-jitter backoff (250 ms → `RECONNECT_CAP_MS`, 2.5 s; after a `drain`, at most `AFTER_DRAIN_CAP_MS`,
 * 1 s, apart until a relay welcomes it again: see backoff.ts), at once on `drain`, and when the relay
 * falls silent for 60 s.
 * Each new attempt after a loss or a drain moves to the next URL in the list.
 */
export class RelayClient {
  private ws: WebSocket | null = null
  private urlIndex = 0
  private attempt = 0
  private stopped = true
  private draining = false
  /** When the relay last announced `drain` (0 = never). */
  private drainedAt = 0
  private welcomed = false
  private reconnectTimer: NodeJS.Timeout | null = null
  private silenceTimer: NodeJS.Timeout | null = null
  private readonly silenceMs: number
  /** The last certificate error's code, logged once until the link comes up. */
  private lastTlsError: string | undefined
  /** The socket is corked until the next tick. */
  private corked = false

  constructor(private readonly opts: RelayClientOptions) {
    this.silenceMs = opts.silenceTimeoutMs ?? SILENCE_TIMEOUT_MS
  }

  get connected(): boolean {
    return this.welcomed && this.ws?.readyState === WebSocket.OPEN
  }

  /** HTTP base of the relay currently (or last) connected to. */
  get currentBase(): string {
    return relayHttpBase(this.opts.urls[this.urlIndex % this.opts.urls.length] ?? 'http://localhost:9000')
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    void this.connect()
  }

  stop(): void {
    this.stopped = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.clearSilence()
    const ws = this.ws
    this.ws = null
    if (ws) {
      ws.removeAllListeners()
      ws.on('error', () => {})
      ws.close(1000)
      ws.terminate()
    }
    if (this.welcomed) {
      this.welcomed = false
      this.opts.handlers.onDown()
    }
  }

  /** Sends a frame if the link is up; false if it is not (the caller keeps the work for later). */
  send(frame: BackendFrame): boolean {
    const ws = this.ws
    if (!this.connected || ws === null) return false
    this.corkUntilNextTick(ws)
    ws.send(JSON.stringify(frame))
    return true
  }

  /**
   * Frames sent in one turn of the event loop (a dispatch batch, the acks of a commit group) leave in
   * one write to the socket rather than one system call each.
   */
  private corkUntilNextTick(ws: WebSocket): void {
    if (this.corked) return
    const socket = (ws as unknown as { _socket?: Socket })._socket
    if (socket === undefined) return
    this.corked = true
    socket.cork()
    process.nextTick(() => {
      this.corked = false
      socket.uncork()
    })
  }

  private async connect(): Promise<void> {
    if (this.stopped) return
    const base = this.opts.urls[this.urlIndex % this.opts.urls.length] ?? 'http://localhost:9000'
    const url = backendSocketUrl(base)
    let token: string
    try {
      token = await this.opts.token()
    } catch (err) {
      this.opts.log.error({ err }, 'could not get a relay token')
      this.scheduleReconnect(false)
      return
    }
    if (this.stopped) return
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` }
    if (this.opts.backendUrl) headers['X-Backend-Url'] = this.opts.backendUrl
    const ws = new WebSocket(url, {
      headers,
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
      ...(this.opts.ca === undefined ? {} : { ca: this.opts.ca }),
    })
    this.ws = ws
    this.draining = false
    this.opts.log.debug({ url }, 'connecting to relay')
    ws.on('open', () => this.touch())
    ws.on('ping', () => this.touch())
    ws.on('pong', () => this.touch())
    ws.on('message', (data, isBinary) => {
      this.touch()
      if (isBinary) return
      this.onText(data.toString(), base)
    })
    ws.on('unexpected-response', (_req, res) => {
      this.opts.log.warn(
        { url, status: res.statusCode },
        `relay refused the connection (HTTP ${res.statusCode})`,
      )
      ws.terminate()
    })
    ws.on('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== undefined && TLS_ERROR.test(code)) {
        // Retrying cannot fix a certificate the backend does not trust: say so (once per distinct error).
        if (this.lastTlsError !== code)
          this.opts.log.error(
            { url, code, err: err.message },
            `relay certificate error (${code}): set COLLAB_CA_FILE to the CA that signed the relay's certificate`,
          )
        this.lastTlsError = code
        return
      }
      this.opts.log.debug({ url, err: err.message }, 'relay socket error')
    })
    ws.on('close', (code) => {
      if (this.ws !== ws) return
      this.ws = null
      this.clearSilence()
      const wasUp = this.welcomed
      this.welcomed = false
      if (wasUp) {
        this.opts.log.warn({ url, code }, 'Disconnected from collaboration service')
        this.opts.handlers.onDown()
      }
      this.scheduleReconnect(this.draining)
    })
  }

  private onText(text: string, base: string): void {
    const parsed = parseFrame(RelayFrame, text, RELAY_FRAME_TYPES)
    if (!parsed.ok) {
      this.onInvalid(text, parsed.message)
      return
    }
    const frame = parsed.value
    switch (frame.type) {
      case 'welcome':
        if (frame.protocol !== PROTOCOL_VERSION) {
          // Shown to the user too (collab:status `protocol`), with what to update.
          this.opts.log.error(
            { protocol: frame.protocol, expected: PROTOCOL_VERSION },
            'relay speaks another protocol version',
          )
        }
        this.welcomed = true
        this.lastTlsError = undefined
        this.attempt = 0
        this.drainedAt = 0
        this.opts.log.info(
          { relay: base, as: frame.user.displayName },
          `Connected to collaboration service at ${base}`,
        )
        this.opts.handlers.onUp({ user: frame.user, relayUrl: relayHttpBase(base), protocol: frame.protocol })
        return
      case 'drain':
        this.opts.log.warn({ relay: base, reason: frame.reason }, 'relay is draining: reconnecting elsewhere')
        this.draining = true
        this.drainedAt = Date.now()
        this.ws?.close(1000)
        return
      default:
        this.opts.handlers.onFrame(frame)
    }
  }

  /** An event frame with a bad event inside still names its id and sender: ack it so it stops. */
  private onInvalid(text: string, message: string): void {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
    const f = data as Partial<EventFrame> | null
    if (f && f.type === 'event' && typeof f.id === 'string' && typeof f.from?.id === 'string') {
      this.opts.handlers.onInvalidEvent(f.id, f.from.id, message)
      return
    }
    this.opts.log.warn({ message }, 'invalid frame from relay ignored')
  }

  private scheduleReconnect(immediate: boolean): void {
    if (this.stopped) return
    if (this.opts.urls.length > 1) this.urlIndex = (this.urlIndex + 1) % this.opts.urls.length
    const sinceDrain = this.drainedAt === 0 ? -1 : Date.now() - this.drainedAt
    const delay = immediate ? 0 : reconnectDelayMs(this.attempt, sinceDrain)
    this.attempt += 1
    this.reconnectTimer = setTimeout(() => void this.connect(), delay)
  }

  private touch(): void {
    this.clearSilence()
    this.silenceTimer = setTimeout(() => {
      this.opts.log.warn({ ms: this.silenceMs }, 'relay silent: reconnecting')
      this.ws?.terminate()
    }, this.silenceMs)
  }

  private clearSilence(): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer)
    this.silenceTimer = null
  }
}
