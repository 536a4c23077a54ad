/**
 * Scenario 1, point-to-point: idle latency, then rising fixed rates over 32 sender→receiver pairs until
 * p99 passes 5 ms (the highest rate held is the throughput), then every contender at 70 % of the raw
 * forwarder's maximum.
 */
import type { Latency, Pair } from '../driver/protocol.js'
import { type Kind, RAISED_LIMITS, type Server, startEcho, startServer, stopServer } from '../lib/procs.js'
import { median, type Summary, summarize } from '../lib/stats.js'
import { type Ctx, rotated } from './context.js'
import { type Step, step, sweepMaxima } from './sweep.js'

const PAIRS = 32
const P99_LIMIT_US = 5000

export interface P2pKind {
  idleP50: Summary
  idleP99: Summary
  maxRate: Summary
  cpuAtMax: Summary
  at70P50: Summary
  at70P99: Summary
  at70CpuUs: Summary
  at70Lost: number
  at70Dup: number
}
export interface P2pResult {
  rate70: number
  /** The idle floor: a bare TCP echo through a Node process, pinned as the servers are. */
  floorP50: Summary
  floorP99: Summary
  kinds: Partial<Record<Kind, P2pKind>>
}

export async function p2p(ctx: Ctx): Promise<P2pResult> {
  const pairs: Pair[] = Array.from({ length: PAIRS }, (_, i) => ({ sender: i, recipients: [PAIRS + i] }))
  const servers = new Map<Kind, Server>()
  try {
    for (const kind of ctx.kinds) {
      const s = await startServer(kind, {
        env: RAISED_LIMITS,
        ...(kind === 'ours' && ctx.profileDir !== undefined ? { cpuProfDir: ctx.profileDir } : {}),
      })
      servers.set(kind, s)
      const c = await ctx.driver.call<{ ok: number; failed: number; firstError?: string }>({
        cmd: 'connect',
        group: `p2p-${kind}`,
        kind,
        url: s.url,
        from: 0,
        count: PAIRS * 2,
        concurrency: 8,
      })
      if (c.failed > 0) throw new Error(`p2p: ${kind}: ${c.failed} connections failed: ${c.firstError}`)
    }
    const dur = ctx.quick ? 500 : 1500
    const drain = ctx.quick ? 800 : 1500
    const server = (k: Kind) => {
      const s = servers.get(k)
      if (s === undefined) throw new Error(`no server ${k}`)
      return s
    }

    ctx.log('p2p: warm-up')
    for (const kind of ctx.kinds) {
      await step(ctx, server(kind), {
        group: `p2p-${kind}`,
        pairs,
        rate: 5000,
        durationMs: 1000,
        drainMs: drain,
        p99LimitUs: Infinity,
      })
    }

    const idle = new Map<Kind, Step[]>()
    const floor: Latency[] = []
    const echo = await startEcho()
    for (let run = 0; run < ctx.runs; run++) {
      const f = await ctx.driver.call<Latency>({
        cmd: 'echo',
        port: echo.port,
        rate: 500,
        durationMs: ctx.quick ? 1000 : 2000,
        bytes: 400,
      })
      ctx.log(`p2p idle floor (bare TCP echo): p50 ${f.p50}µs p99 ${f.p99}µs`)
      floor.push(f)
      for (const kind of rotated(ctx.kinds, run)) {
        const s = await step(ctx, server(kind), {
          group: `p2p-${kind}`,
          pairs: [{ sender: 0, recipients: [PAIRS] }],
          rate: 500,
          durationMs: ctx.quick ? 1000 : 2000,
          drainMs: drain,
          p99LimitUs: Infinity,
        })
        ctx.log(`p2p idle ${kind}: p50 ${s.p50}µs p99 ${s.p99}µs`)
        idle.set(kind, [...(idle.get(kind) ?? []), s])
      }
    }
    echo.proc.kill('SIGTERM')

    const base = { pairs, drainMs: drain, p99LimitUs: P99_LIMIT_US }
    const maxes = await sweepMaxima(
      ctx,
      server,
      (kind) => ({
        ...base,
        group: `p2p-${kind}`,
        start: ctx.quick ? 5000 : 2000,
        factor: ctx.quick ? 1.6 : 1.5,
        maxSteps: 13,
        durationMs: ctx.quick ? dur : 1000,
      }),
      (kind, coarse) => ({
        ...base,
        group: `p2p-${kind}`,
        start: Math.max(1000, (coarse ?? 2000) * 0.75),
        factor: 1.12,
        maxSteps: 7,
        durationMs: dur,
      }),
      'p2p',
    )

    const rawMax = median((maxes.get('raw') ?? []).map((s) => s.rate))
    if (!Number.isFinite(rawMax) || rawMax === 0) {
      ctx.notes.push('Scenario 1: the raw forwarder held no step, so "70 %" is 70 % of 10,000 events/s.')
    }
    const rate70 = Math.round((Number.isFinite(rawMax) && rawMax > 0 ? rawMax : 10_000) * 0.7)
    const at70 = new Map<Kind, Step[]>()
    for (let run = 0; run < ctx.runs; run++) {
      for (const kind of rotated(ctx.kinds, run)) {
        const s = await step(ctx, server(kind), {
          group: `p2p-${kind}`,
          pairs,
          rate: rate70,
          durationMs: ctx.quick ? 1000 : 2000,
          drainMs: 3000,
          p99LimitUs: P99_LIMIT_US,
        })
        ctx.log(`p2p at 70% (${rate70}/s) ${kind}: p50 ${s.p50}µs p99 ${s.p99}µs lost ${s.lost} dup ${s.dup}`)
        at70.set(kind, [...(at70.get(kind) ?? []), s])
      }
    }

    const kinds: Partial<Record<Kind, P2pKind>> = {}
    for (const kind of ctx.kinds) {
      const i = idle.get(kind) ?? []
      const m = maxes.get(kind) ?? []
      const a = at70.get(kind) ?? []
      kinds[kind] = {
        idleP50: summarize(i.map((s) => s.p50)),
        idleP99: summarize(i.map((s) => s.p99)),
        maxRate: summarize(m.length > 0 ? m.map((s) => s.rate) : [0]),
        cpuAtMax: summarize(m.map((s) => s.serverCpuPct)),
        at70P50: summarize(a.map((s) => s.p50)),
        at70P99: summarize(a.map((s) => s.p99)),
        at70CpuUs: summarize(a.map((s) => s.cpuUsPerDelivery)),
        at70Lost: a.reduce((n, s) => n + s.lost, 0),
        at70Dup: a.reduce((n, s) => n + s.dup, 0),
      }
    }
    return {
      rate70,
      floorP50: summarize(floor.map((f) => f.p50)),
      floorP99: summarize(floor.map((f) => f.p99)),
      kinds,
    }
  } finally {
    for (const kind of ctx.kinds)
      await ctx.driver.call({ cmd: 'close', group: `p2p-${kind}` }).catch(() => {})
    for (const s of servers.values()) await stopServer(s)
  }
}
