import { expect } from 'vitest'
import { record } from './counters.js'
import { type BackendFlow, type FlowReport, percentile, type SessionFlow } from './flow.js'
import type { Hostile } from './fuzz.js'
import type { Conn, Frame } from './ws-client.js'

const MAX_MISMATCHES = 5
/** How long the relay has to answer one frame. */
const ANSWER_MS = 3000

export type Mismatch = { index: number; kind: string; expected: string; got: string; input: string }
export type HostileReport = {
  tried: number
  refused: number
  closes: number
  mismatches: Mismatch[]
  byKind: Record<string, number>
}

const describe = (h: Hostile) =>
  h.data.length > 120
    ? `${String(h.data.slice(0, 120))}… (${h.data.length} bytes)`
    : JSON.stringify(String(h.data))

/**
 * Sends each hostile input on a connection and waits for the relay's answer: the first `error` frame
 * after it, or the close. A closed connection is replaced by `open()` before the next input.
 */
export async function runHostile(inputs: Hostile[], open: () => Promise<Conn>): Promise<HostileReport> {
  const report: HostileReport = { tried: 0, refused: 0, closes: 0, mismatches: [], byKind: {} }
  let conn = await open()
  for (const [index, h] of inputs.entries()) {
    // A broken relay is reported from its first failures; the rest would only cost time.
    if (report.mismatches.length >= MAX_MISMATCHES) break
    if (!conn.open) {
      try {
        conn = await open()
      } catch (err) {
        throw new Error(`the relay stopped accepting connections after input ${index - 1}: ${String(err)}`)
      }
    }
    const from = conn.frames.length
    conn.ws.send(h.data, { binary: h.binary })
    report.tried += 1
    report.byKind[h.kind] = (report.byKind[h.kind] ?? 0) + 1
    const answer = await answerAfter(conn, from)
    const got =
      answer.error !== undefined
        ? `error ${String(answer.error.code)}`
        : answer.close !== undefined
          ? `close ${answer.close}`
          : 'nothing'
    const expected =
      'error' in h.expect
        ? `error ${h.expect.error}`
        : 'close' in h.expect
          ? `close ${h.expect.close}`
          : 'survive'
    if (answer.close !== undefined) report.closes += 1
    if (expected === got || (expected === 'survive' && got !== 'nothing')) {
      report.refused += 1
    } else {
      report.mismatches.push({ index, kind: h.kind, expected, got, input: describe(h) })
    }
  }
  await conn.close()
  return report
}

/** Sums the reports of several runs. */
export function merge(...reports: HostileReport[]): HostileReport {
  const out: HostileReport = { tried: 0, refused: 0, closes: 0, mismatches: [], byKind: {} }
  for (const r of reports) {
    out.tried += r.tried
    out.refused += r.refused
    out.closes += r.closes
    out.mismatches.push(...r.mismatches)
    for (const [k, v] of Object.entries(r.byKind)) out.byKind[k] = (out.byKind[k] ?? 0) + v
  }
  return out
}

async function answerAfter(conn: Conn, from: number): Promise<{ error?: Frame; close?: number }> {
  let i = from
  for (;;) {
    const r = await conn.nextOrClose(i, ANSWER_MS)
    if (r.frame !== undefined) {
      if (r.frame.type === 'error') return { error: r.frame }
      i += 1
      continue
    }
    if (r.close !== undefined) return { close: r.close.code }
    return {}
  }
}

/** What `fuzzUnderFlow` measured: the fuzz answers, relay memory after GC around it, and the flow. */
export type FuzzUnderFlow = {
  all: HostileReport
  before: NodeJS.MemoryUsage
  after: NodeJS.MemoryUsage
  growth: number
  flow: FlowReport
  duringFuzz: number
}

/**
 * Runs `inputs` against the relay while `flow` keeps steady traffic between two good clients: a warm-up
 * of the first 300 (lazy compilation, pools), then the baseline after a full GC, the rest, and memory
 * after GC again.
 */
export async function fuzzUnderFlow(
  inputs: Hostile[],
  open: () => Promise<Conn>,
  flow: BackendFlow | SessionFlow,
  memoryAfterGc: () => Promise<NodeJS.MemoryUsage>,
): Promise<FuzzUnderFlow> {
  flow.start(20)
  const warm = await runHostile(inputs.slice(0, 300), open)
  const before = await memoryAfterGc()
  flow.phase = 'during fuzz'
  const main = await runHostile(inputs.slice(300), open)
  flow.phase = 'after'
  const after = await memoryAfterGc()
  const report = await flow.finish()
  return {
    all: merge(warm, main),
    before,
    after,
    growth: (after.heapUsed - before.heapUsed) / before.heapUsed,
    flow: report,
    duringFuzz: flow.perPhase.get('during fuzz') ?? 0,
  }
}

/** The lines both fuzz scenarios print. */
export function fuzzSummary(label: string, unit: string, flowName: string, r: FuzzUnderFlow): string {
  const mb = (n: number, d: number) => (n / 1e6).toFixed(d)
  return [
    `${label}: ${r.all.tried} hostile ${unit}, ${r.all.refused} answered as documented, ${r.all.closes} closes`,
    `  kinds: ${JSON.stringify(r.all.byKind)}`,
    `  heap after GC: ${mb(r.before.heapUsed, 2)} MB → ${mb(r.after.heapUsed, 2)} MB (${(r.growth * 100).toFixed(1)} %), rss ${mb(r.before.rss, 1)} → ${mb(r.after.rss, 1)} MB`,
    `  flow ${flowName}: ${r.flow.sent} sent (${r.duringFuzz} during the fuzz), ${r.flow.lost} lost, ${r.flow.duplicated} duplicated, p50 ${percentile(r.flow.latenciesMs, 50).toFixed(2)} ms, p99 ${percentile(r.flow.latenciesMs, 99).toFixed(2)} ms`,
  ].join('\n')
}

/** Prints a fuzz run's summary and its first mismatches, and records its counters under `scenario`. */
export function reportFuzz(scenario: string, summary: string, r: FuzzUnderFlow, crashes: number): void {
  console.log(summary)
  for (const m of r.all.mismatches.slice(0, 10)) console.log('  mismatch', JSON.stringify(m))
  record(scenario, {
    badInputs: r.all.tried,
    refused: r.all.refused,
    eventsSent: r.flow.sent,
    lost: r.flow.lost,
    duplicated: r.flow.duplicated,
    crashes,
  })
}

/**
 * What both fuzz scenarios require of a run of `inputs` hostile inputs: each answered as documented, the
 * flow between the two good clients (`peers`, still open) on through the fuzz with nothing lost or
 * duplicated, and the heap back within 10 % after GC.
 */
export function expectFuzzHeld(r: FuzzUnderFlow, inputs: number, peers: readonly { open: boolean }[]): void {
  expect(r.all.mismatches).toEqual([])
  expect(r.all.tried).toBe(inputs)
  expect(r.all.refused).toBe(r.all.tried)
  expect(r.duringFuzz).toBeGreaterThan(0)
  expect(r.flow.lost).toBe(0)
  expect(r.flow.duplicated).toBe(0)
  expect(peers.every((p) => p.open)).toBe(true)
  expect(r.growth).toBeLessThanOrEqual(0.1)
}
