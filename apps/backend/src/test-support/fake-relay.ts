import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeJwt } from 'jose'
import { type WebSocket, WebSocketServer } from 'ws'

type Conn = {
  ws: WebSocket
  user: { id: string; displayName: string }
  watch: Set<string>
  headers: Record<string, string>
}

/**
 * A minimal in-process stand-in for the relay's `/v1/backends` protocol, for unit tests of the relay
 * client (drain, reconnect, URL list). It trusts the token's claims without checking the signature.
 */
export class FakeRelay {
  readonly conns = new Map<string, Conn>()
  readonly received: Array<{ from: string; frame: Record<string, unknown> }> = []
  readonly upgrades: Array<Record<string, string>> = []
  private server: Server | null = null
  private wss: WebSocketServer | null = null
  port = 0

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      if (req.url === '/api/users/online') {
        res.setHeader('content-type', 'application/json')
        res.end(
          JSON.stringify(
            [...this.conns.values()].map((c) => ({ ...c.user, backendUrl: null, connectedAt: '' })),
          ),
        )
        return
      }
      res.statusCode = 404
      res.end()
    })
    const wss = new WebSocketServer({ server, path: '/v1/backends' })
    wss.on('connection', (ws, req) => {
      const auth = req.headers.authorization ?? ''
      const claims = decodeJwt(auth.replace(/^Bearer /, ''))
      const user = { id: String(claims.sub), displayName: String(claims.name) }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
      this.upgrades.push(headers)
      const old = this.conns.get(user.id)
      if (old) old.ws.close(4000)
      const conn: Conn = { ws, user, watch: new Set(), headers }
      this.conns.set(user.id, conn)
      ws.send(JSON.stringify({ type: 'welcome', user, protocol: 1, heartbeatMs: 25_000 }))
      this.presenceChanged(user, true)
      ws.on('message', (data) => this.onFrame(conn, JSON.parse(String(data)) as Record<string, unknown>))
      ws.on('close', () => {
        if (this.conns.get(user.id) === conn) {
          this.conns.delete(user.id)
          this.presenceChanged(user, false)
        }
      })
    })
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    this.port = (server.address() as AddressInfo).port
    this.server = server
    this.wss = wss
  }

  /** Sends `drain` to every backend, then closes them and stops listening. */
  async drainAndStop(): Promise<void> {
    for (const c of this.conns.values()) c.ws.send(JSON.stringify({ type: 'drain', reason: 'shutdown' }))
    await this.stop()
  }

  async stop(): Promise<void> {
    for (const c of this.conns.values()) c.ws.terminate()
    this.conns.clear()
    this.wss?.close()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server = null
  }

  private presenceChanged(user: { id: string; displayName: string }, online: boolean): void {
    for (const c of this.conns.values()) {
      if (c.watch.has(user.id)) {
        c.ws.send(JSON.stringify({ type: 'presence', user, online, at: new Date().toISOString() }))
      }
    }
  }

  private onFrame(conn: Conn, frame: Record<string, unknown>): void {
    this.received.push({ from: conn.user.id, frame })
    if (frame.type === 'watch') {
      conn.watch = new Set(frame.userIds as string[])
      for (const id of conn.watch) {
        const other = this.conns.get(id)
        if (other) {
          conn.ws.send(
            JSON.stringify({
              type: 'presence',
              user: other.user,
              online: true,
              at: new Date().toISOString(),
            }),
          )
        }
      }
    } else if (frame.type === 'send') {
      for (const to of frame.to as string[]) {
        const target = this.conns.get(to)
        if (target)
          target.ws.send(JSON.stringify({ type: 'event', id: frame.id, from: conn.user, event: frame.event }))
        else conn.ws.send(JSON.stringify({ type: 'undeliverable', id: frame.id, to, reason: 'offline' }))
      }
    } else if (frame.type === 'ack') {
      const sender = this.conns.get(frame.to as string)
      sender?.ws.send(JSON.stringify({ type: 'ack', id: frame.id, by: conn.user.id }))
    }
  }
}
