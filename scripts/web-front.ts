/**
 * A user's web address with --prod (`pnpm start:distributed`): http://localhost:3000 for User A, 3001 for
 * User B. The built web app is served by that user's backend, so this passes every request through to it
 * unchanged — pages, `/api/v1` and the `/socket.io` WebSocket upgrade — and the browser sees one origin.
 *
 *   tsx scripts/web-front.ts --port 3000 --backend http://localhost:8000 --name web-a
 */
import { createServer, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    backend: { type: 'string' },
    name: { type: 'string', default: 'web' },
  },
})
const port = Number(values.port)
if (!Number.isInteger(port) || port < 1 || port > 65535 || values.backend === undefined) {
  process.stderr.write('usage: web-front.ts --port <port> --backend <http://host:port> [--name web-a]\n')
  process.exit(2)
}
const backend = new URL(values.backend)
const backendPort = Number(backend.port || 80)
// The backends listen on every IPv4 address; "localhost" may resolve to ::1 first.
const backendHost = backend.hostname === 'localhost' ? '127.0.0.1' : backend.hostname
const name = values.name

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} ${name}: ${msg}\n`)
}

const server = createServer((req, res) => {
  const upstream = request(
    {
      host: backendHost,
      port: backendPort,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.rawHeaders)
      up.pipe(res)
    },
  )
  upstream.on('error', (err) => {
    log(`${req.method} ${req.url}: backend ${values.backend} did not answer (${err.message})`)
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(`${name}: the backend at ${values.backend} is not answering (${err.message})\n`)
    } else res.destroy()
  })
  req.pipe(upstream)
})

// WebSocket upgrades (socket.io): replay the request head to the backend, then splice the two sockets.
server.on('upgrade', (req, socket: Socket, head: Buffer) => {
  const up = connect(backendPort, backendHost, () => {
    const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`]
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
    up.write(`${lines.join('\r\n')}\r\n\r\n`)
    if (head.length > 0) up.write(head)
    up.pipe(socket)
    socket.pipe(up)
  })
  const close = () => {
    up.destroy()
    socket.destroy()
  }
  up.on('error', (err) => {
    log(`upgrade ${req.url}: backend ${values.backend} did not answer (${err.message})`)
    if (!socket.destroyed) socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n')
  })
  socket.on('error', close)
  up.on('close', () => socket.destroy())
  socket.on('close', () => up.destroy())
})

server.on('error', (err) => {
  log(`cannot listen on ${port}: ${err.message}`)
  process.exit(1)
})
server.listen(port, '0.0.0.0', () =>
  log(`http://localhost:${port} → ${values.backend} (the built web app and its API)`),
)

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    server.close()
    server.closeAllConnections()
    process.exit(0)
  })
}
