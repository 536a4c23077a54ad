import { createServer } from 'node:net'

export const isFree = (port: number) =>
  new Promise<boolean>((done) => {
    const s = createServer()
    s.once('error', () => done(false))
    s.listen({ port, host: '::', exclusive: true }, () => s.close(() => done(true)))
  })

/** A run of `count` free ports in 19000-19999, starting at a random place. */
export async function spareRange(count: number): Promise<number> {
  const first = 19000 + Math.floor(Math.random() * (1000 - count))
  for (let i = 0; i < 1000; i += count) {
    const base = 19000 + ((first - 19000 + i) % (1000 - count))
    const checks = await Promise.all(Array.from({ length: count }, (_, k) => isFree(base + k)))
    if (checks.every(Boolean)) return base
  }
  throw new Error('no free ports in 19000-19999')
}
