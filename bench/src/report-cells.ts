/** The report's table cells: numbers, medians with their spread, ratios and target marks. */

import type { Kind } from './lib/procs.js'
import type { Summary } from './lib/stats.js'

export const KINDS: Kind[] = ['ours', 'raw', 'sio']

export function num(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return '–'
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

export function cell(s: Summary | undefined, scale = 1, digits = 0): string {
  if (s === undefined || s.n === 0) return '–'
  const m = num(s.median * scale, digits)
  if (s.n < 2 || s.min === s.max) return m
  return `${m} <sub>${num(s.min * scale, digits)}–${num(s.max * scale, digits)}</sub>`
}

export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return Number.NaN
  return a / b
}

export function r(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)}×` : '–'
}

export function mark(ok: boolean | undefined): string {
  if (ok === undefined) return '–'
  return ok ? '✓' : '✗'
}

export interface Row {
  metric: string
  cells: { [K in Kind]?: Summary | undefined }
  scale?: number
  digits?: number
  /** Ratios shown: ours ÷ raw and ours ÷ Socket.IO. */
  target: string
  /** Whether the target is met, from the medians. */
  ok?: boolean | undefined
}

export function rowLine(row: Row): string {
  const med = (k: Kind) => row.cells[k]?.median
  const cells = KINDS.map((k) => cell(row.cells[k], row.scale, row.digits))
  return `| ${row.metric} | ${cells.join(' | ')} | ${r(ratio(med('ours'), med('raw')))} | ${r(ratio(med('ours'), med('sio')))} | ${row.target} | ${mark(row.ok)} |`
}

/** A target on two ratios: not judged (undefined) unless both could be computed. */
export function both(a: number, b: number, pred: (a: number, b: number) => boolean): boolean | undefined {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined
  return pred(a, b)
}

export function within(v: number | undefined, pred: (v: number) => boolean): boolean | undefined {
  return v === undefined || !Number.isFinite(v) ? undefined : pred(v)
}
