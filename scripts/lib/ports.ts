import { createServer } from 'node:net'

function tryListen(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)))
  })
}

/** True when nothing listens on `port` (IPv4 or IPv6, any address). */
export async function isPortFree(port: number): Promise<boolean> {
  const v6 = await tryListen(port, '::')
  if (v6 === null) {
    // '::' is dual-stack on Linux, but check IPv4 too in case the host runs IPv6-only sockets.
    return (await tryListen(port, '0.0.0.0')) === null
  }
  if (v6.code === 'EADDRINUSE' || v6.code === 'EACCES') return false
  // No IPv6 on this machine: IPv4 decides.
  return (await tryListen(port, '0.0.0.0')) === null
}

/** Finds `count` consecutive free ports at or above `from`. */
export async function findFreePortRange(count: number, from: number, to = from + 2000): Promise<number> {
  for (let start = from; start + count <= to; start++) {
    let ok = true
    for (let p = start; p < start + count; p++) {
      if (!(await isPortFree(p))) {
        ok = false
        start = p
        break
      }
    }
    if (ok) return start
  }
  throw new Error(`no ${count} consecutive free ports between ${from} and ${to}`)
}
