import { createServer } from 'node:net'

/** The demo's ports (`pnpm dev:distributed`); never handed out, so a suite never meets a running demo. */
const DEMO_PORTS: ReadonlySet<number> = new Set([3000, 3001, 3002, 8000, 8001, 8002, 9000, 9001])

/** A TCP port the OS says is free now on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        const p = typeof address === 'object' && address !== null ? address.port : 0
        server.close(() => resolve(p))
      })
    })
    if (!DEMO_PORTS.has(port)) return port
  }
}
