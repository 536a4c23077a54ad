/**
 * Baseline 1: a raw `ws` forwarder doing the relay's routing job and nothing more. It verifies the same
 * token at the upgrade, parses the same envelope, forwards `{type:"event",id,from,event}` by recipient id,
 * routes acks, answers `watch` with presence, and pings every 25 s. No schema validation, no limits, no
 * logging, no metrics: the floor a hand-written relay on `ws` would stand on.
 */
import { createServer } from 'node:http'
import { type WebSocket, WebSocketServer } from 'ws'
import { type BenchUser, bearer, HEARTBEAT_MS, portArg, verifyToken } from './common.js'

interface Conn {
  ws: WebSocket
  user: BenchUser
  alive: boolean
  watching: string[]
}

const online = new Map<string, Conn>()
const watchers = new Map<string, Set<Conn>>()
let routed = 0

const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ status: 'healthy', active_users: online.size, total_events_routed: routed }))
    return
  }
  res.statusCode = 404
  res.end()
})
const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false })

server.on('upgrade', (req, socket, head) => {
  if (req.url !== '/v1/backends') {
    socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
    return
  }
  verifyToken(bearer(req.headers.authorization)).then((user) => {
    if (user === undefined) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, user))
  })
})

function presence(user: BenchUser, isOnline: boolean): string {
  return JSON.stringify({ type: 'presence', user, online: isOnline, at: new Date().toISOString() })
}

function notifyWatchers(user: BenchUser, isOnline: boolean): void {
  const set = watchers.get(user.id)
  if (set === undefined || set.size === 0) return
  const frame = presence(user, isOnline)
  for (const w of set) w.ws.send(frame)
}

function accept(ws: WebSocket, user: BenchUser): void {
  const conn: Conn = { ws, user, alive: true, watching: [] }
  const previous = online.get(user.id)
  online.set(user.id, conn)
  if (previous !== undefined) previous.ws.close(4000, 'replaced')
  ws.send(JSON.stringify({ type: 'welcome', user, protocol: 1, heartbeatMs: HEARTBEAT_MS }))
  if (previous === undefined) notifyWatchers(user, true)
  ws.on('pong', () => {
    conn.alive = true
  })
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(1003)
      return
    }
    onFrame(conn, data.toString())
  })
  ws.on('close', () => {
    for (const id of conn.watching) watchers.get(id)?.delete(conn)
    if (online.get(user.id) === conn) {
      online.delete(user.id)
      notifyWatchers(user, false)
    }
  })
}

function onFrame(conn: Conn, text: string): void {
  let f: { type?: unknown; id?: unknown; to?: unknown; event?: unknown; userIds?: unknown }
  try {
    f = JSON.parse(text)
  } catch {
    conn.ws.send('{"type":"error","code":"invalid_json","message":"frame is not valid JSON"}')
    return
  }
  if (f.type === 'send' && typeof f.id === 'string' && Array.isArray(f.to)) {
    const out = JSON.stringify({ type: 'event', id: f.id, from: conn.user, event: f.event })
    for (const to of f.to) {
      const target = typeof to === 'string' ? online.get(to) : undefined
      if (target === undefined) {
        conn.ws.send(JSON.stringify({ type: 'undeliverable', id: f.id, to, reason: 'offline' }))
      } else {
        target.ws.send(out)
        routed++
      }
    }
  } else if (f.type === 'ack' && typeof f.id === 'string' && typeof f.to === 'string') {
    online.get(f.to)?.ws.send(JSON.stringify({ type: 'ack', id: f.id, by: conn.user.id }))
  } else if (f.type === 'watch' && Array.isArray(f.userIds)) {
    for (const id of conn.watching) watchers.get(id)?.delete(conn)
    conn.watching = f.userIds.filter((id): id is string => typeof id === 'string')
    for (const id of conn.watching) {
      let set = watchers.get(id)
      if (set === undefined) {
        set = new Set()
        watchers.set(id, set)
      }
      set.add(conn)
      const there = online.get(id)
      if (there !== undefined) conn.ws.send(presence(there.user, true))
    }
  } else {
    conn.ws.send('{"type":"error","code":"invalid_frame","message":"invalid frame"}')
  }
}

const heartbeat = setInterval(() => {
  for (const conn of online.values()) {
    if (!conn.alive) {
      conn.ws.terminate()
      continue
    }
    conn.alive = false
    conn.ws.ping()
  }
}, HEARTBEAT_MS)

function shutdown(): void {
  clearInterval(heartbeat)
  for (const conn of online.values()) conn.ws.close(1001, 'shutdown')
  server.close()
  setTimeout(() => process.exit(0), 200).unref()
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)

server.listen(portArg(), '127.0.0.1', () => {
  const addr = server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  process.stdout.write(`raw ws forwarder listening on ${port}\n`)
})
