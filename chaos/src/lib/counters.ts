import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { COUNTERS_FILE, ensureDirs } from './paths.js'

export const COUNTER_KEYS = [
  'faults',
  'eventsSent',
  'lost',
  'duplicated',
  'badInputs',
  'refused',
  'crashes',
] as const
export type CounterKey = (typeof COUNTER_KEYS)[number]
export type Counters = Record<CounterKey, number>

export const zero = (): Counters => ({
  faults: 0,
  eventsSent: 0,
  lost: 0,
  duplicated: 0,
  badInputs: 0,
  refused: 0,
  crashes: 0,
})

/** Appends one scenario's figures to .reports/counters.jsonl; the global teardown sums and prints them. */
export function record(scenario: string, c: Partial<Counters>, notes: string[] = []): void {
  ensureDirs()
  appendFileSync(COUNTERS_FILE, `${JSON.stringify({ scenario, ...zero(), ...c, notes })}\n`)
}

export type Row = { scenario: string; notes: string[] } & Counters

export function readRows(): Row[] {
  if (!existsSync(COUNTERS_FILE)) return []
  return readFileSync(COUNTERS_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Row)
}

const HEAD = [
  'scenario',
  'faults injected',
  'events sent',
  'lost',
  'duplicated',
  'bad inputs',
  'refused',
  'crashes',
]

export function table(rows: Row[]): string {
  const total: Row = { scenario: 'TOTAL', notes: [], ...zero() }
  for (const r of rows) for (const k of COUNTER_KEYS) total[k] += r[k]
  const body = [...rows, total].map((r) => [r.scenario, ...COUNTER_KEYS.map((k) => String(r[k]))])
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`
  const out = [line(HEAD), sep, ...body.slice(0, -1).map(line), sep, line(body[body.length - 1] ?? [])]
  const notes = rows.flatMap((r) => r.notes.map((n) => `  ${r.scenario}: ${n}`))
  return [...out, ...(notes.length > 0 ? ['', 'notes:', ...notes] : [])].join('\n')
}
