/**
 * The idle-latency floor: a bare TCP echo in a Node process (no WebSocket, no JSON), started and pinned
 * like the contenders. A round trip through it is the least any relay written in Node can take here.
 */
import { createServer } from 'node:net'
import { portArg } from './common.js'

const server = createServer((socket) => {
  socket.setNoDelay(true)
  socket.on('data', (chunk) => socket.write(chunk))
  socket.on('error', () => {})
})
process.on('SIGTERM', () => process.exit(0))
server.listen(portArg(), '127.0.0.1', () => {
  const addr = server.address()
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0
  process.stdout.write(`tcp echo listening on ${port}\n`)
})
