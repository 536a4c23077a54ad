import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/**
 * Destroys a TCP connection that has not finished one HTTP request (an upgrade or a plain request)
 * within `ms` of connecting. Node's headersTimeout does not cover a socket that sends nothing, or
 * stops in the middle of its request line or headers: those would stay open indefinitely.
 */
export function dropUnfinishedRequests(server: Server, ms: number): void {
  const timers = new WeakMap<Socket, NodeJS.Timeout>()
  const done = (socket: Socket) => {
    const timer = timers.get(socket)
    if (timer === undefined) return
    clearTimeout(timer)
    timers.delete(socket)
  }
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), ms)
    timer.unref()
    timers.set(socket, timer)
    socket.once('close', () => done(socket))
  })
  server.on('request', (req) => done(req.socket))
  server.on('upgrade', (req) => done(req.socket))
}
