/** The report's two sections beside the summary: our relay at its defaults, and the backend ladder. */

import type { Kind } from './lib/procs.js'
import type { Summary } from './lib/stats.js'
import { both, cell, mark, num, r, ratio, within } from './report-cells.js'
import type { FanoutResult } from './scenarios/fanout.js'
import type { LadderResult } from './scenarios/ladder.js'
import type { P2pResult } from './scenarios/p2p.js'

/**
 * Our relay as `pnpm start` runs it (its default log level, 2,000 frames/s per connection), measured in
 * the same runs as the tuned one (LOG_LEVEL=warn, limits raised) and the baselines.
 */
export function defaultsSection(p2p: P2pResult | undefined, fanout: FanoutResult | undefined): string[] {
  const p = p2p?.kinds
  const fan = Object.entries(fanout ?? {})
  if (p?.def === undefined && fan.every(([, row]) => row.def === undefined)) return []
  const out = [
    '## Our relay at its defaults (as `pnpm start` runs it) beside the tuned run',
    '',
    '- Defaults: no LOG_LEVEL (info: routed events are logged one by one up to 200 a second, the rest summed up in one line a second), no NODE_ENV, RATE_LIMIT_PER_SEC 2,000 and RATE_LIMIT_BURST 4,000 per connection. Tuned: LOG_LEVEL=warn, NODE_ENV=production, limits raised to 1,000,000.',
    '- Point-to-point load is spread over 32 senders, so up to 64,000 events/s no single backend goes over its 2,000 frames/s. Fan-out comes from one sender, so at its defaults the relay holds that sender to 2,000 frames/s: 20,000 deliveries/s at fan-out 10, whatever the relay could do.',
    '',
    '| metric | ours at its defaults | ours tuned | raw ws | Socket.IO | defaults ÷ raw | defaults ÷ Socket.IO | defaults ÷ tuned | target | |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|:-:|',
  ]
  const line = (
    metric: string,
    v: { [K in Kind]?: Summary | undefined },
    target: string,
    ok: boolean | undefined,
    digits = 0,
  ) => {
    const m = (k: Kind) => v[k]?.median
    return `| ${metric} | ${cell(v.def, 1, digits)} | ${cell(v.ours, 1, digits)} | ${cell(v.raw, 1, digits)} | ${cell(v.sio, 1, digits)} | ${r(ratio(m('def'), m('raw')))} | ${r(ratio(m('def'), m('sio')))} | ${r(ratio(m('def'), m('ours')))} | ${target} | ${mark(ok)} |`
  }
  if (p !== undefined) {
    const held = (k: Kind) => p[k]?.maxRate
    const tp = (k: Kind) => p[k]?.maxRate.median
    out.push(
      line(
        '1 · point-to-point throughput, events/s held (p99 ≤ 5 ms, none lost)',
        { def: held('def'), ours: held('ours'), raw: held('raw'), sio: held('sio') },
        '≥ 0.85× raw, ≥ 2× Socket.IO',
        both(ratio(tp('def'), tp('raw')), ratio(tp('def'), tp('sio')), (a, b) => a >= 0.85 && b >= 2),
      ),
    )
    const cpu = (k: Kind) => p[k]?.at70CpuUs
    out.push(
      line(
        '1 · server CPU time per event at 70 % of raw max, µs',
        { def: cpu('def'), ours: cpu('ours'), raw: cpu('raw'), sio: cpu('sio') },
        '≤ 1.0× raw',
        within(ratio(cpu('def')?.median, cpu('raw')?.median), (x) => x <= 1),
        1,
      ),
    )
  }
  for (const [k, row] of fan) {
    const d = (kind: Kind) => row[kind]?.deliveriesPerSec
    out.push(
      line(
        `2 · fan-out to ${num(Number(k))}: deliveries/s held (p99 ≤ 50 ms, none lost)`,
        { def: d('def'), ours: d('ours'), raw: d('raw'), sio: d('sio') },
        '≥ 1.5× raw',
        within(ratio(d('def')?.median, d('raw')?.median), (x) => x >= 1.5),
      ),
    )
  }
  out.push('')
  return out
}

/** The backend ladder: comments/s our two backends hold end to end, against the floor's. */
export function ladderSection(l: LadderResult | undefined): string[] {
  if (l === undefined) return []
  const x = ratio(l.held.backend.median, l.held.floor.median)
  const out = [
    '## 5b · the backend ladder: comments/s held end to end, our backends against the floor',
    '',
    "- REST comment at A → relay → B → B's socket.io, at rising fixed rates; a step holds when every comment arrives and p95 ≤ 100 ms. Relay: ours as `pnpm start` runs it. Backends: ours as started in scenario 5 (their defaults), or the floor (`src/servers/floor-backend.ts`): the same statements on raw better-sqlite3 with the same group commit, the same signing and sealing, and nothing else.",
    '',
    '| | our backends | the floor | ours ÷ floor | target | |',
    '|---|---:|---:|---:|---|:-:|',
    `| comments/s held | ${cell(l.held.backend)} | ${cell(l.held.floor)} | ${r(x)} | ≥ 0.7× | ${mark(Number.isFinite(x) ? x >= 0.7 : undefined)} |`,
    '',
    'First run, step by step (p95 ms; lost):',
    '',
    '| rate/s | ours p95 | floor p95 |',
    '|---:|---:|---:|',
  ]
  const rates = [...new Set([...l.steps.backend, ...l.steps.floor].map((s) => s.rate))].sort((a, b) => a - b)
  const at = (side: 'backend' | 'floor', rate: number) => {
    const s = l.steps[side].find((v) => v.rate === rate)
    return s === undefined ? '–' : `${num(s.p95 / 1000, 1)}${s.lost > 0 ? ` (${s.lost} lost)` : ''}`
  }
  for (const rate of rates) out.push(`| ${num(rate)} | ${at('backend', rate)} | ${at('floor', rate)} |`)
  out.push('')
  return out
}
