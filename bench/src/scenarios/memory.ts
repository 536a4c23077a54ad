/**
 * Scenario 3, idle memory: a fresh server per measurement, RSS and V8 heap after a forced full GC (through
 * the inspector) before and after N backends connect; the difference per connection. Also how many
 * connections per second the server accepted while they connected (100 handshakes in flight).
 */
import type { ConnectResult } from '../driver/protocol.js'
import { type Kind, memoryAfterGc, sleep, startServer, stopServer } from '../lib/procs.js'
import { type Summary, summarize } from '../lib/stats.js'
import { type Ctx, rotated } from './context.js'

export interface MemoryKind {
  rssPerConn: Summary
  heapPerConn: Summary
  rssTotal: Summary
  connectsPerSec: Summary
  failed: number
}
export type MemoryResult = Record<string, Partial<Record<Kind, MemoryKind>>>

export async function memory(ctx: Ctx): Promise<MemoryResult> {
  const sizes = ctx.quick ? [1000] : [1000, 10_000]
  const out: MemoryResult = {}
  for (const n of sizes) {
    const acc = new Map<
      Kind,
      { rss: number[]; heap: number[]; total: number[]; cps: number[]; failed: number }
    >()
    for (let run = 0; run < ctx.runs; run++) {
      for (const kind of rotated(
        ctx.kinds.filter((k) => k !== 'def'),
        run,
      )) {
        const s = await startServer(kind, {
          inspect: true,
          ...(kind === 'ours' && ctx.profileDir !== undefined ? { cpuProfDir: ctx.profileDir } : {}),
        })
        try {
          await sleep(300)
          const before = await memoryAfterGc(s)
          const c = await ctx.driver.call<ConnectResult>({
            cmd: 'connect',
            group: `mem-${kind}`,
            kind,
            url: s.url,
            from: 0,
            count: n,
            concurrency: 100,
          })
          await sleep(500)
          const after = await memoryAfterGc(s)
          const a = acc.get(kind) ?? { rss: [], heap: [], total: [], cps: [], failed: 0 }
          a.rss.push((after.rss - before.rss) / c.ok)
          a.heap.push((after.heapUsed - before.heapUsed) / c.ok)
          a.total.push(after.rss)
          a.cps.push(c.perSec)
          a.failed += c.failed
          acc.set(kind, a)
          ctx.log(
            `memory ${n} ${kind}: ${c.ok} connected (${c.failed} failed${c.firstError ? `: ${c.firstError}` : ''}) at ${Math.round(c.perSec)}/s, rss +${((after.rss - before.rss) / c.ok / 1024).toFixed(1)} KiB/conn, heap +${((after.heapUsed - before.heapUsed) / c.ok / 1024).toFixed(1)} KiB/conn`,
          )
        } finally {
          await ctx.driver.call({ cmd: 'close', group: `mem-${kind}` })
          await stopServer(s)
        }
      }
    }
    const row: Partial<Record<Kind, MemoryKind>> = {}
    for (const [kind, a] of acc) {
      row[kind] = {
        rssPerConn: summarize(a.rss),
        heapPerConn: summarize(a.heap),
        rssTotal: summarize(a.total),
        connectsPerSec: summarize(a.cps),
        failed: a.failed,
      }
    }
    out[String(n)] = row
  }
  return out
}
