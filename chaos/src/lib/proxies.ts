import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createConnection, createServer, type Server as NetServer, type Socket } from 'node:net'
import WebSocket, { WebSocketServer } from 'ws'
import { HOST } from './net.js'

/**
 * A TCP proxy that records every byte both ways: what a wire tap between a backend and the relay
 * would see (upgrade request with its token, every frame, the relay's HTTP answers).
 */
export class RecordingProxy {
  private readonly chunks: Buffer[] = []
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: NetServer,
    readonly port: number,
  ) {}

  static async start(upstreamPort: number): Promise<RecordingProxy> {
    const proxy: { self?: RecordingProxy } = {}
    const server = createServer((client) => {
      const self = proxy.self
      if (!self) return client.destroy()
      const upstream = createConnection({ host: HOST, port: upstreamPort })
      for (const s of [client, upstream]) {
        self.sockets.add(s)
        s.on('close', () => self.sockets.delete(s))
        s.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      const unmask = new Unmasker()
      client.on('data', (d: Buffer) => {
        self.chunks.push(Buffer.from(d))
        // A client's WebSocket frames are masked: their payloads are recorded unmasked too, as anyone
        // on the wire can unmask them (the key travels in each frame).
        for (const p of unmask.push(d)) self.chunks.push(p)
        upstream.write(d)
      })
      upstream.on('data', (d: Buffer) => {
        self.chunks.push(Buffer.from(d))
        client.write(d)
      })
      client.on('end', () => upstream.end())
      upstream.on('end', () => client.end())
    })
    const port = await listen(server)
    proxy.self = new RecordingProxy(server, port)
    return proxy.self
  }

  get url(): string {
    return `http://${HOST}:${this.port}`
  }

  /** Everything recorded so far, both directions. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks)
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((done) => this.server.close(() => done()))
  }
}

/** Unmasks the payloads of client-to-server WebSocket frames after the HTTP upgrade request. */
class Unmasker {
  private buf = Buffer.alloc(0)
  private upgraded = false

  push(d: Buffer): Buffer[] {
    this.buf = Buffer.concat([this.buf, d])
    if (!this.upgraded) {
      const end = this.buf.indexOf('\r\n\r\n')
      if (end < 0) return []
      this.upgraded = true
      this.buf = this.buf.subarray(end + 4)
    }
    const out: Buffer[] = []
    for (;;) {
      if (this.buf.length < 2) return out
      const b1 = this.buf[1] ?? 0
      let len = b1 & 0x7f
      let at = 2
      if (len === 126) {
        if (this.buf.length < 4) return out
        len = this.buf.readUInt16BE(2)
        at = 4
      } else if (len === 127) {
        if (this.buf.length < 10) return out
        len = Number(this.buf.readBigUInt64BE(2))
        at = 10
      }
      const masked = (b1 & 0x80) !== 0
      const need = at + (masked ? 4 : 0) + len
      if (this.buf.length < need) return out
      const key = masked ? this.buf.subarray(at, at + 4) : undefined
      const payload = Buffer.from(this.buf.subarray(at + (masked ? 4 : 0), need))
      if (key) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (key[i % 4] ?? 0)
      out.push(payload)
      this.buf = this.buf.subarray(need)
    }
  }
}

/** What a hostile relay does with one frame: deliver these texts instead (none drops it). */
export type Tamper = (text: string) => string[]

/**
 * A relay in the middle: the backend connects here, and this opens its own connection to the real relay
 * with the backend's token, then passes every frame on, through `toBackend` / `toRelay` when set. The
 * relay's HTTP API is passed through as it is. This is what an operator of a relay could do.
 */
export class MitmRelay {
  toBackend: Tamper | undefined
  toRelay: Tamper | undefined
  private readonly pairs = new Set<[WebSocket, WebSocket]>()

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
  ) {}

  static async start(upstreamPort: number): Promise<MitmRelay> {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 })
    const holder: { self?: MitmRelay } = {}
    const server = createHttpServer((req, res) => {
      // The relay's HTTP API (/health, /api/users/online): passed through.
      fetch(`http://${HOST}:${upstreamPort}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: req.headers.authorization ? { authorization: req.headers.authorization } : {},
      })
        .then(async (up) => {
          res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'text/plain' })
          res.end(Buffer.from(await up.arrayBuffer()))
        })
        .catch(() => {
          res.writeHead(502)
          res.end()
        })
    })
    server.on('upgrade', (req: IncomingMessage, socket, head) => {
      const self = holder.self
      if (!self) return socket.destroy()
      const headers: Record<string, string> = {}
      for (const h of ['authorization', 'x-backend-url', 'user-agent']) {
        const v = req.headers[h]
        if (typeof v === 'string') headers[h] = v
      }
      const up = new WebSocket(`ws://${HOST}:${upstreamPort}${req.url ?? '/'}`, { headers })
      up.once('unexpected-response', (_r, res) => {
        socket.end(`HTTP/1.1 ${res.statusCode} Refused\r\nConnection: close\r\n\r\n`)
      })
      up.once('error', () => socket.destroy())
      up.once('open', () => {
        wss.handleUpgrade(req, socket, head, (down) => self.pipe(down, up))
      })
    })
    const port = await listen(server)
    holder.self = new MitmRelay(server, wss, port)
    return holder.self
  }

  private pipe(down: WebSocket, up: WebSocket): void {
    const pair: [WebSocket, WebSocket] = [down, up]
    this.pairs.add(pair)
    up.on('message', (data, isBinary) => {
      if (isBinary) return down.send(data)
      for (const t of this.toBackend?.(data.toString('utf8')) ?? [data.toString('utf8')]) down.send(t)
    })
    down.on('message', (data, isBinary) => {
      if (isBinary) return up.send(data)
      for (const t of this.toRelay?.(data.toString('utf8')) ?? [data.toString('utf8')]) up.send(t)
    })
    const close = () => {
      this.pairs.delete(pair)
      down.terminate()
      up.terminate()
    }
    up.on('close', close)
    down.on('close', close)
  }

  /** Sends a frame to every backend connected through here, as if the relay had. */
  inject(text: string): void {
    for (const [down] of this.pairs) down.send(text)
  }

  get url(): string {
    return `http://${HOST}:${this.port}`
  }

  async stop(): Promise<void> {
    for (const [down, up] of this.pairs) {
      down.terminate()
      up.terminate()
    }
    this.wss.close()
    await new Promise<void>((done) => this.server.close(() => done()))
  }
}

function listen(server: NetServer | Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const a = server.address()
      resolve(typeof a === 'object' && a !== null ? a.port : 0)
    })
  })
}
