/**
 * Scenario 7, the backend soak: our relay as `pnpm start` runs it and two backends at their defaults,
 * comments posted at A at a steady rate for SOAK minutes (10; 1 with --quick), each followed to B's
 * socket.io. After every minute each backend's V8 heap after a forced full GC (through its inspector)
 * and its RSS are read. Memory is flat when the heap after GC does not grow with the comments: the
 * figure is the growth from the first minute to the last, and the least-squares slope per minute.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryAfterGc, startServer, stopServer } from '../lib/procs.js'
import type { Ctx } from './context.js'
import { A, B, type Backend, drive, setup, startBackend, stopProc } from './e2e.js'

const RATE = 100
/** Heap growth per minute (after GC) that still counts as flat. */
export const FLAT_BYTES_PER_MIN = 512 * 1024

export interface SoakSide {
  /** Heap used after a full GC and RSS, once a minute (bytes). */
  heap: number[]
  rss: number[]
  /** Least-squares slope of the heap after GC, bytes per minute. */
  heapSlopePerMin: number
}
export interface SoakResult {
  minutes: number
  rate: number
  sent: number
  delivered: number
  lost: number
  p95Us: number
  sides: Record<'A' | 'B', SoakSide>
}

function slope(ys: number[]): number {
  const n = ys.length
  if (n < 2) return 0
  const mx = (n - 1) / 2
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my)
    den += (x - mx) ** 2
  })
  return num / den
}

export async function soak(ctx: Ctx): Promise<SoakResult> {
  const minutes = Number(process.env.BENCH_SOAK_MINUTES ?? (ctx.quick ? 1 : 10))
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-soak-'))
  const relay = await startServer('def')
  const backends: Backend[] = []
  try {
    const a = await startBackend(A, relay.url, dir, undefined, { inspect: true })
    backends.push(a)
    const b = await startBackend(B, relay.url, dir, undefined, { inspect: true })
    backends.push(b)
    const ideaId = await setup(a, b)
    const sides = { A: a, B: b }
    const heap: Record<'A' | 'B', number[]> = { A: [], B: [] }
    const rss: Record<'A' | 'B', number[]> = { A: [], B: [] }
    const sample = async () => {
      for (const k of ['A', 'B'] as const) {
        const m = await memoryAfterGc({ pid: sides[k].proc.pid ?? 0, inspectorUrl: sides[k].inspectorUrl })
        heap[k].push(m.heapUsed)
        rss[k].push(m.rss)
      }
    }
    // A minute's warm-up (not measured) compiles the paths and fills the caches.
    await drive(ctx, a, b, ideaId, { rate: RATE, durationMs: ctx.quick ? 10_000 : 60_000, drainMs: 30_000 })
    await sample()
    let sent = 0
    let delivered = 0
    let lost = 0
    let p95Us = 0
    // Each minute's load is one driver call, sampled between calls (a chunk per 10 s with --quick).
    const chunks = ctx.quick ? 6 : minutes
    const chunkMs = (minutes * 60_000) / chunks
    for (let i = 0; i < chunks; i++) {
      const r = await drive(ctx, a, b, ideaId, { rate: RATE, durationMs: chunkMs, drainMs: 30_000 })
      sent += r.sent
      delivered += r.delivered
      lost += r.lost
      p95Us = Math.max(p95Us, r.p95)
      await sample()
      const mb = (n: number | undefined) => ((n ?? 0) / 2 ** 20).toFixed(1)
      ctx.log(
        `soak ${i + 1}/${chunks}: ${r.delivered}/${r.expected} delivered, p95 ${(r.p95 / 1000).toFixed(1)} ms; heap after GC A ${mb(heap.A.at(-1))} MiB, B ${mb(heap.B.at(-1))} MiB; RSS A ${mb(rss.A.at(-1))} MiB, B ${mb(rss.B.at(-1))} MiB`,
      )
    }
    const per = chunks / minutes
    const side = (k: 'A' | 'B'): SoakSide => ({
      heap: heap[k],
      rss: rss[k],
      heapSlopePerMin: slope(heap[k]) * per,
    })
    return { minutes, rate: RATE, sent, delivered, lost, p95Us, sides: { A: side('A'), B: side('B') } }
  } finally {
    for (const b of backends) await stopProc(b.proc)
    await stopServer(relay)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The report's section for the soak. */
export function soakSection(s: SoakResult | undefined): string[] {
  if (s === undefined) return []
  const mib = (n: number | undefined) => ((n ?? 0) / 2 ** 20).toFixed(1)
  const row = (k: 'A' | 'B') => {
    const d = s.sides[k]
    const flat = Math.abs(d.heapSlopePerMin) <= FLAT_BYTES_PER_MIN
    return `| backend ${k} | ${mib(d.heap[0])} → ${mib(d.heap.at(-1))} | ${(d.heapSlopePerMin / 1024).toFixed(0)} KiB | ${mib(d.rss[0])} → ${mib(d.rss.at(-1))} | ≤ ${FLAT_BYTES_PER_MIN / 1024} KiB/min | ${flat ? '✓' : '✗'} |`
  }
  return [
    '',
    `## 7 · backend soak: memory over ${s.minutes} minutes at ${s.rate} comments/s`,
    '',
    `- Our relay as \`pnpm start\` runs it, two backends at their defaults; comments at A, each followed to B's socket.io; heap after a forced full GC and RSS read once a minute after a minute's warm-up. ${s.delivered}/${s.sent} delivered (${s.lost} lost), worst minute's p95 ${(s.p95Us / 1000).toFixed(1)} ms.`,
    '',
    '| | heap after GC, MiB (first → last) | heap slope per minute | RSS, MiB (first → last) | target | |',
    '|---|---:|---:|---:|---|:-:|',
    row('A'),
    row('B'),
  ]
}
