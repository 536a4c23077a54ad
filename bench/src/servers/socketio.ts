/**
 * Baseline 2: the relay's routing job written the way a Socket.IO 4 user would: default engine and
 * parser, the token checked in a handshake middleware, each socket joined to a room named by its user
 * id, `io.to(recipientIds).emit('event', {id, from, event})`, acks and watch/presence as events.
 */
import { createServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { type BenchUser, HEARTBEAT_MS, portArg, verifyToken } from './common.js'

interface SendMsg {
  id?: unknown
  to?: unknown
  event?: unknown
}
interface AckMsg {
  id?: unknown
  to?: unknown
}

const online = new Map<string, Socket>()
let routed = 0

const httpServer = createServer((req, res) => {
  if (req.url === '/health') {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ status: 'healthy', active_users: online.size, total_events_routed: routed }))
    return
  }
  if (!req.url?.startsWith('/socket.io')) {
    res.statusCode = 404
    res.end()
  }
})
const io = new Server(httpServer, {
  serveClient: false,
  pingInterval: HEARTBEAT_MS,
  maxHttpBufferSize: 1024 * 1024,
})

io.use((socket, next) => {
  const token: unknown = socket.handshake.auth.token
  verifyToken(typeof token === 'string' ? token : undefined).then((user) => {
    if (user === undefined) {
      next(new Error('unauthorized'))
      return
    }
    socket.data.user = user
    next()
  })
})

function userOf(socket: Socket): BenchUser {
  return socket.data.user as BenchUser
}

function presence(user: BenchUser, isOnline: boolean) {
  return { user, online: isOnline, at: new Date().toISOString() }
}

io.on('connection', (socket) => {
  const user = userOf(socket)
  const previous = online.get(user.id)
  online.set(user.id, socket)
  if (previous !== undefined) previous.disconnect(true)
  socket.join(user.id)
  socket.emit('welcome', { user, protocol: 1, heartbeatMs: HEARTBEAT_MS })
  if (previous === undefined) io.to(`watch:${user.id}`).emit('presence', presence(user, true))

  socket.on('send', (f: SendMsg) => {
    if (typeof f?.id !== 'string' || !Array.isArray(f.to)) return
    const to = f.to.filter((id): id is string => typeof id === 'string')
    const present: string[] = []
    for (const id of to) {
      if (online.has(id)) present.push(id)
      else socket.emit('undeliverable', { id: f.id, to: id, reason: 'offline' })
    }
    if (present.length === 0) return
    io.to(present).emit('event', { id: f.id, from: user, event: f.event })
    routed += present.length
  })
  socket.on('ack', (f: AckMsg) => {
    if (typeof f?.id === 'string' && typeof f.to === 'string') {
      io.to(f.to).emit('ack', { id: f.id, by: user.id })
    }
  })
  socket.on('watch', (f: { userIds?: unknown }) => {
    if (!Array.isArray(f?.userIds)) return
    const ids = f.userIds.filter((id): id is string => typeof id === 'string')
    for (const room of socket.rooms) if (room.startsWith('watch:')) socket.leave(room)
    socket.join(ids.map((id) => `watch:${id}`))
    for (const id of ids) {
      const there = online.get(id)
      if (there !== undefined) socket.emit('presence', presence(userOf(there), true))
    }
  })
  socket.on('disconnect', () => {
    if (online.get(user.id) === socket) {
      online.delete(user.id)
      io.to(`watch:${user.id}`).emit('presence', presence(user, false))
    }
  })
})

function shutdown(): void {
  io.close()
  setTimeout(() => process.exit(0), 200).unref()
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)

httpServer.listen(portArg(), '127.0.0.1', () => {
  const addr = httpServer.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  process.stdout.write(`socket.io relay listening on ${port}\n`)
})
