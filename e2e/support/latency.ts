import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

const results = resolve(import.meta.dirname, '..', 'test-results')
/** Every measured sync latency of the last run (copied here when the run ends). */
export const LATENCY_FILE = resolve(results, 'latency.json')
/** This run's samples, appended test by test, in the run's own artifacts folder. */
export const runLatencyFile = () =>
  resolve(results, 'artifacts', process.env.PP_E2E_RUN_ID ?? 'run', 'latency.json')

export interface LatencySample {
  test: string
  /** What was measured, e.g. "share → visible to User B". */
  step: string
  ms: number
  repeat: number
  at: string
}

export interface LatencyReport {
  samples: LatencySample[]
  /** Per step: count, min, median, p95, max (ms). */
  summary: Record<string, { count: number; min: number; median: number; p95: number; max: number }>
}

function summarize(samples: LatencySample[]): LatencyReport['summary'] {
  const by = new Map<string, number[]>()
  for (const s of samples) by.set(s.step, [...(by.get(s.step) ?? []), s.ms])
  const out: LatencyReport['summary'] = {}
  for (const [step, values] of by) {
    const v = [...values].sort((a, b) => a - b)
    const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * v.length))] ?? 0
    out[step] = { count: v.length, min: v[0] ?? 0, median: at(0.5), p95: at(0.95), max: v[v.length - 1] ?? 0 }
  }
  return out
}

export function appendLatency(samples: LatencySample[]): void {
  if (samples.length === 0) return
  const file = runLatencyFile()
  const previous: LatencySample[] = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as LatencyReport).samples
    : []
  const all = [...previous, ...samples]
  mkdirSync(dirname(file), { recursive: true })
  const report: LatencyReport = { samples: all, summary: summarize(all) }
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
}

/** At the end of a run: its samples become test-results/latency.json. */
export function publishLatency(): void {
  const file = runLatencyFile()
  if (existsSync(file)) copyFileSync(file, LATENCY_FILE)
}
