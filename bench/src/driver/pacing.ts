import * as hdr from 'hdr-histogram-js'
import type { Latency } from './protocol.js'

/** The largest latency recorded (µs); anything slower counts as this. */
export const MAX_US = 600_000_000

export function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_US,
    numberOfSignificantValueDigits: 3,
  })
}

export function latency(h: hdr.Histogram): Latency {
  const us = (p: number) => (h.totalCount === 0 ? Number.NaN : h.getValueAtPercentile(p))
  return {
    p50: us(50),
    p90: us(90),
    p95: us(95),
    p99: us(99),
    p999: us(99.9),
    max: h.totalCount === 0 ? Number.NaN : h.maxValue,
    mean: h.totalCount === 0 ? Number.NaN : h.mean,
  }
}

/**
 * Polls `cond` every 5 ms until it holds (true) or `timeoutMs` has passed (false): the driver reports
 * what it saw by then rather than failing, so this never throws.
 */
export async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs
  while (!cond()) {
    if (performance.now() > end) return false
    await new Promise((r) => setTimeout(r, 5))
  }
  return true
}

/**
 * Calls `send(seq)` for seq = 0 … total−1 on a fixed schedule of `rate` per second, checked every 1 ms
 * tick (whatever is due goes out, whether replies have come or not). Resolves once all are sent.
 */
export function atFixedRate(
  total: number,
  rate: number,
  t0: number,
  send: (seq: number) => void,
): Promise<void> {
  let seq = 0
  return new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1)
      while (seq < due) send(seq++)
      if (seq >= total) resolve()
      else setTimeout(tick, 1)
    }
    tick()
  })
}
