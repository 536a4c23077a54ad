/**
 * Scenario 4, reconnect storm: 1,000 connected backends, one of them watching the other 999. The server
 * gets SIGTERM and is started again on the same port; every backend reconnects with the backend's
 * policy (full jitter from 250 ms, doubling, 5 s cap; 1 s cap for 30 s after a `drain`, which only our
 * relay sends). Measured from the signal: all reconnected, and the
 * watcher's presence view complete again.
 */
import type { ConnectResult, StormResult } from '../driver/protocol.js'
import { type Kind, startServer, stopServer } from '../lib/procs.js'
import { type Summary, summarize } from '../lib/stats.js'
import { type Ctx, rotated } from './context.js'

export interface StormKind {
  allBackMs: Summary
  presenceMs: Summary
  downMs: Summary
  /** From the restarted server answering /health to presence right. */
  afterUpMs: Summary
  recovered: string
}
export type StormResultTable = { n: number; kinds: Partial<Record<Kind, StormKind>> }

export async function storm(ctx: Ctx): Promise<StormResultTable> {
  const n = 1000
  const acc = new Map<
    Kind,
    { all: number[]; presence: number[]; down: number[]; afterUp: number[]; back: number; of: number }
  >()
  for (let run = 0; run < ctx.runs; run++) {
    for (const kind of rotated(
      ctx.kinds.filter((k) => k !== 'def'),
      run,
    )) {
      let s = await startServer(kind)
      const group = `storm-${kind}`
      try {
        const c = await ctx.driver.call<ConnectResult>({
          cmd: 'connect',
          group,
          kind,
          url: s.url,
          from: 0,
          count: n,
          concurrency: 100,
        })
        if (c.failed > 0) throw new Error(`storm: ${kind}: ${c.failed} connections failed: ${c.firstError}`)
        await ctx.driver.call({ cmd: 'storm-arm', group, observer: 0 })
        await ctx.driver.call({ cmd: 'storm-go' })
        const t0 = performance.now()
        await stopServer(s)
        const stopped = performance.now() - t0
        s = await startServer(kind, { port: s.port })
        const down = performance.now() - t0
        const got = await ctx.driver.call<StormResult>({ cmd: 'storm-wait', timeoutMs: 30_000 })
        // A moment that never came (not every backend back within the wait) crosses JSON as null.
        const r = { ...got, allBackMs: got.allBackMs ?? Number.NaN, presenceMs: got.presenceMs ?? Number.NaN }
        const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'never (within 30 s)')
        ctx.log(
          `storm ${kind}: exited after ${ms(stopped)}, down ${ms(down)}, all back ${ms(r.allBackMs)}, presence right ${ms(r.presenceMs)} (${r.back}/${r.of}, ${r.attempts} attempts)`,
        )
        const a = acc.get(kind) ?? { all: [], presence: [], down: [], afterUp: [], back: 0, of: 0 }
        a.afterUp.push(r.presenceMs - down)
        a.all.push(r.allBackMs)
        a.presence.push(r.presenceMs)
        a.down.push(down)
        a.back += r.back
        a.of += r.of
        acc.set(kind, a)
      } finally {
        await ctx.driver.call({ cmd: 'close', group })
        await stopServer(s)
      }
    }
  }
  const kinds: Partial<Record<Kind, StormKind>> = {}
  for (const [kind, a] of acc) {
    kinds[kind] = {
      allBackMs: summarize(a.all),
      presenceMs: summarize(a.presence),
      downMs: summarize(a.down),
      afterUpMs: summarize(a.afterUp),
      recovered: `${a.back}/${a.of}`,
    }
  }
  return { n, kinds }
}
