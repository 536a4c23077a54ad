/**
 * Scenario 2, fan-out: one sender, each event addressed to K recipients (10, 100, 1,000); rising
 * delivery rates until a step misses (p99 over 50 ms, a loss, or the sender falling behind). The
 * figure is deliveries per second held.
 */
import type { Pair } from '../driver/protocol.js'
import { type Kind, RAISED_LIMITS, type Server, sleep, startServer, stopServer } from '../lib/procs.js'
import { type Summary, summarize } from '../lib/stats.js'
import type { Ctx } from './context.js'
import { sweepMaxima } from './sweep.js'

const P99_LIMIT_US = 50_000

export interface FanoutKind {
  deliveriesPerSec: Summary
  p99AtMax: Summary
  cpuAtMax: Summary
  cpuUsPerDelivery: Summary
}
export type FanoutResult = Record<string, Partial<Record<Kind, FanoutKind>>>

export async function fanout(ctx: Ctx): Promise<FanoutResult> {
  const sizes = ctx.quick ? [100] : [10, 100, 1000]
  const largest = Math.max(...sizes)
  const servers = new Map<Kind, Server>()
  const out: FanoutResult = {}
  try {
    const connect = async (kind: Kind, url: string) => {
      const c = await ctx.driver.call<{ ok: number; failed: number; firstError?: string }>({
        cmd: 'connect',
        group: `fan-${kind}`,
        kind,
        url,
        from: 0,
        count: largest + 1,
        concurrency: 50,
      })
      if (c.failed > 0) throw new Error(`fan-out: ${kind}: ${c.failed} connections failed: ${c.firstError}`)
    }
    // A recipient the server closed (too slow to read at an overloading step) is connected again.
    const reconnect = (kind: Kind, url: string) => async () => {
      await ctx.driver.call({ cmd: 'close', group: `fan-${kind}` })
      // The old sockets' close reaches the server before the new ones log in under the same users.
      await sleep(500)
      await connect(kind, url)
    }
    for (const kind of ctx.kinds) {
      const s = await startServer(kind, { env: RAISED_LIMITS })
      servers.set(kind, s)
      await connect(kind, s.url)
    }
    const server = (k: Kind) => {
      const s = servers.get(k)
      if (s === undefined) throw new Error(`no server ${k}`)
      return s
    }
    const dur = ctx.quick ? 500 : 1000
    const drain = 1500
    for (const k of sizes) {
      const pairs: Pair[] = [{ sender: 0, recipients: Array.from({ length: k }, (_, i) => i + 1) }]
      const base = { pairs, durationMs: dur, drainMs: drain, p99LimitUs: P99_LIMIT_US }
      const maxes = await sweepMaxima(
        ctx,
        server,
        // --quick starts higher: every contender holds 20,000 deliveries/s here.
        (kind) => ({
          ...base,
          group: `fan-${kind}`,
          start: ctx.quick ? 20_000 : 5000,
          factor: 1.5,
          maxSteps: 11,
          reconnect: reconnect(kind, server(kind).url),
        }),
        (kind, coarse) => ({
          ...base,
          group: `fan-${kind}`,
          start: Math.max(2000, (coarse ?? 5000) * 0.8),
          factor: 1.12,
          maxSteps: 3,
          reconnect: reconnect(kind, server(kind).url),
        }),
        `fan-out ${k}`,
      )
      const row: Partial<Record<Kind, FanoutKind>> = {}
      for (const kind of ctx.kinds) {
        const m = maxes.get(kind) ?? []
        row[kind] = {
          deliveriesPerSec: summarize(m.length > 0 ? m.map((s) => s.rate) : [0]),
          p99AtMax: summarize(m.map((s) => s.p99)),
          cpuAtMax: summarize(m.map((s) => s.serverCpuPct)),
          cpuUsPerDelivery: summarize(m.map((s) => s.cpuUsPerDelivery)),
        }
      }
      out[String(k)] = row
    }
    return out
  } finally {
    for (const kind of ctx.kinds)
      await ctx.driver.call({ cmd: 'close', group: `fan-${kind}` }).catch(() => {})
    for (const s of servers.values()) await stopServer(s)
  }
}
