/** Renders the results as one Markdown page: settings, the summary table with targets, then details. */

import type { Kind } from './lib/procs.js'
import { both, cell, num, type Row, r, ratio, rowLine, within } from './report-cells.js'
import { defaultsSection, ladderSection } from './report-sections.js'
import type { ClusterResult } from './scenarios/cluster.js'
import type { E2eResultTable } from './scenarios/e2e.js'
import type { FanoutResult } from './scenarios/fanout.js'
import type { LadderResult } from './scenarios/ladder.js'
import type { MemoryResult } from './scenarios/memory.js'
import type { P2pResult } from './scenarios/p2p.js'
import { type SoakResult, soakSection } from './scenarios/soak.js'
import type { StorageResult } from './scenarios/storage.js'
import type { StormResultTable } from './scenarios/storm.js'

export interface Results {
  header: string[]
  p2p?: P2pResult
  fanout?: FanoutResult
  memory?: MemoryResult
  storm?: StormResultTable
  e2e?: E2eResultTable
  ladder?: LadderResult
  soak?: SoakResult
  storage?: StorageResult
  cluster?: ClusterResult
  notes: string[]
}

export function render(res: Results): string {
  const out: string[] = []
  out.push('# Relay benchmark', '', ...res.header.map((h) => `- ${h}`), '')
  out.push(
    'Figures are the median of the runs, with the spread (min–max) in small type. Ratios are ours ÷ the',
    'baseline, from the medians. ✓/✗ is the target from the issue against those medians; – means not measured.',
    '',
  )
  out.push('| metric | ours | raw ws | Socket.IO | ours ÷ raw | ours ÷ Socket.IO | target | |')
  out.push('|---|---:|---:|---:|---:|---:|---|:-:|')
  const rows: Row[] = []
  const p = res.p2p?.kinds
  if (p !== undefined) {
    const tp = (k: Kind) => p[k]?.maxRate.median
    rows.push({
      metric: '1 · point-to-point throughput, events/s held (p99 ≤ 5 ms, none lost)',
      cells: { ours: p.ours?.maxRate, raw: p.raw?.maxRate, sio: p.sio?.maxRate },
      target: '≥ 0.85× raw, ≥ 2.5× Socket.IO',
      ok: both(ratio(tp('ours'), tp('raw')), ratio(tp('ours'), tp('sio')), (a, b) => a >= 0.85 && b >= 2.5),
    })
    rows.push({
      metric: '1 · server CPU at that rate, %',
      cells: { ours: p.ours?.cpuAtMax, raw: p.raw?.cpuAtMax, sio: p.sio?.cpuAtMax },
      target: 'information',
    })
    rows.push({
      metric: `1 · idle latency p50 (500 events/s), µs (floor on this machine, a bare TCP echo through a Node process pinned the same way: ${cell(res.p2p?.floorP50)})`,
      cells: { ours: p.ours?.idleP50, raw: p.raw?.idleP50, sio: p.sio?.idleP50 },
      target: '≤ 150 µs',
      ok: within(p.ours?.idleP50.median, (v) => v <= 150),
    })
    rows.push({
      metric: `1 · idle latency p99, µs (bare TCP echo: ${cell(res.p2p?.floorP99)})`,
      cells: { ours: p.ours?.idleP99, raw: p.raw?.idleP99, sio: p.sio?.idleP99 },
      target: '≤ 500 µs',
      ok: within(p.ours?.idleP99.median, (v) => v <= 500),
    })
    rows.push({
      metric: `1 · at 70 % of raw max (${num(res.p2p?.rate70 ?? Number.NaN)}/s): p50, µs`,
      cells: { ours: p.ours?.at70P50, raw: p.raw?.at70P50, sio: p.sio?.at70P50 },
      target: 'information',
    })
    rows.push({
      metric: `1 · at 70 % of raw max: p99, µs (lost/dup ours: ${p.ours?.at70Lost ?? '–'}/${p.ours?.at70Dup ?? '–'}; raw ${p.raw?.at70Lost ?? '–'}/${p.raw?.at70Dup ?? '–'}; Socket.IO ${p.sio?.at70Lost ?? '–'}/${p.sio?.at70Dup ?? '–'})`,
      cells: { ours: p.ours?.at70P99, raw: p.raw?.at70P99, sio: p.sio?.at70P99 },
      target: '≤ 5 ms, 0 lost, 0 dup',
      ok:
        p.ours === undefined
          ? undefined
          : p.ours.at70P99.median <= 5000 && p.ours.at70Lost === 0 && p.ours.at70Dup === 0,
    })
  }
  if (p !== undefined) {
    rows.push({
      metric: '1 · server CPU time per event at 70 % load, µs (cost whatever the CPU share)',
      cells: { ours: p.ours?.at70CpuUs, raw: p.raw?.at70CpuUs, sio: p.sio?.at70CpuUs },
      digits: 1,
      target: 'information',
    })
  }
  for (const [k, row] of Object.entries(res.fanout ?? {})) {
    const d = (kind: Kind) => row[kind]?.deliveriesPerSec.median
    rows.push({
      metric: `2 · fan-out to ${num(Number(k))}: deliveries/s held (p99 ≤ 50 ms, none lost)`,
      cells: {
        ours: row.ours?.deliveriesPerSec,
        raw: row.raw?.deliveriesPerSec,
        sio: row.sio?.deliveriesPerSec,
      },
      target: '≥ 0.9× raw, ≥ 1.5× Socket.IO',
      ok: both(ratio(d('ours'), d('raw')), ratio(d('ours'), d('sio')), (a, b) => a >= 0.9 && b >= 1.5),
    })
    rows.push({
      metric: `2 · fan-out to ${num(Number(k))}: server CPU time per delivery at that rate, µs`,
      cells: {
        ours: row.ours?.cpuUsPerDelivery,
        raw: row.raw?.cpuUsPerDelivery,
        sio: row.sio?.cpuUsPerDelivery,
      },
      digits: 2,
      target: 'information',
    })
  }
  for (const [n, row] of Object.entries(res.memory ?? {})) {
    const m = (kind: Kind) => row[kind]?.rssPerConn.median
    rows.push({
      metric: `3 · ${num(Number(n))} idle backends: RSS per connection after GC, KiB`,
      cells: { ours: row.ours?.rssPerConn, raw: row.raw?.rssPerConn, sio: row.sio?.rssPerConn },
      scale: 1 / 1024,
      digits: 1,
      target: '≤ 1.3× raw, ≤ 0.6× Socket.IO',
      ok: both(ratio(m('ours'), m('raw')), ratio(m('ours'), m('sio')), (a, b) => a <= 1.3 && b <= 0.6),
    })
    rows.push({
      metric: `3 · ${num(Number(n))} idle backends: V8 heap per connection after GC, KiB`,
      cells: { ours: row.ours?.heapPerConn, raw: row.raw?.heapPerConn, sio: row.sio?.heapPerConn },
      scale: 1 / 1024,
      digits: 1,
      target: 'information',
    })
    rows.push({
      metric: `3 · ${num(Number(n))} backends: connections accepted per second`,
      cells: { ours: row.ours?.connectsPerSec, raw: row.raw?.connectsPerSec, sio: row.sio?.connectsPerSec },
      target: 'information',
    })
  }
  const st = res.storm
  if (st !== undefined) {
    rows.push({
      metric: `4 · reconnect storm, ${num(st.n)} backends: SIGTERM → all back with presence right, ms (recovered ours ${st.kinds.ours?.recovered ?? '–'})`,
      cells: {
        ours: st.kinds.ours?.presenceMs,
        raw: st.kinds.raw?.presenceMs,
        sio: st.kinds.sio?.presenceMs,
      },
      target: '≤ 5,000 ms',
      ok: within(st.kinds.ours?.presenceMs.median, (v) => v <= 5000),
    })
    rows.push({
      metric: '4 · of which the server was down (SIGTERM → healthy again), ms',
      cells: { ours: st.kinds.ours?.downMs, raw: st.kinds.raw?.downMs, sio: st.kinds.sio?.downMs },
      target: 'information',
    })
    rows.push({
      metric: '4 · of which after it answered again (healthy → presence right), ms',
      cells: { ours: st.kinds.ours?.afterUpMs, raw: st.kinds.raw?.afterUpMs, sio: st.kinds.sio?.afterUpMs },
      target: 'information',
    })
  }
  const e = res.e2e
  if (e !== undefined) {
    for (const [rate, row] of Object.entries(e.rates)) {
      for (const pct of ['p50', 'p95', 'p99'] as const) {
        const isTarget = rate === '10' && pct === 'p95'
        rows.push({
          metric: `5 · end to end at ${rate} comments/s, ${pct}, ms (REST A → relay → B's socket.io)`,
          cells: { ours: row.ours?.[pct], raw: row.raw?.[pct] },
          scale: 1 / 1000,
          digits: 1,
          target: isTarget ? '≤ 50 ms' : 'information',
          ok: isTarget ? within(row.ours?.[pct].median, (v) => v <= 50_000) : undefined,
        })
      }
    }
  }
  out.push(...rows.map(rowLine), '')
  out.push(...defaultsSection(res.p2p, res.fanout))
  out.push(...ladderSection(res.ladder))
  out.push(...soakSection(res.soak))
  const sg = res.storage
  if (sg !== undefined) {
    out.push(
      '## 6 · backend storage: the hot path as the backend writes it, against the same statements on raw better-sqlite3',
      '',
    )
    out.push(...sg.header.map((h) => `- ${h}`), '')
    out.push(
      '| operation | backend ops/s | raw ops/s | Prisma only ops/s | backend ÷ raw, time per op (target ≤ 1.5×) | | Prisma only ÷ raw | backend p50 / p99 µs | raw p50 / p99 µs |',
    )
    out.push('|---|---:|---:|---:|---:|:-:|---:|---:|---:|')
    for (const o of sg.ops) {
      const x = ratio(o.raw.opsPerSec.median, o.backend.opsPerSec.median)
      out.push(
        `| ${o.name} | ${cell(o.backend.opsPerSec)} | ${cell(o.raw.opsPerSec)} | ${cell(o.prisma.opsPerSec)} | ${r(x)} | ${Number.isFinite(x) ? (x <= 1.5 ? '✓' : '✗') : '–'} | ${r(ratio(o.raw.opsPerSec.median, o.prisma.opsPerSec.median))} | ${num(o.backend.p50.median)} / ${num(o.backend.p99.median)} | ${num(o.raw.p50.median)} / ${num(o.raw.p99.median)} |`,
      )
    }
    out.push('')
  }
  const cl = res.cluster
  if (cl?.one !== undefined && cl.two !== undefined) {
    out.push('## 7 · two relay nodes over Redis vs one node (ours)', '')
    out.push(
      '- Point-to-point as in 1, 16 pairs; two nodes: every sender on node 1, every receiver on node 2, so every event crosses Redis pub/sub. Both nodes and redis-server share the server core (two cores in all: the driver has the other), so this is the cost of cross-node routing, not added capacity.',
      '',
    )
    out.push(
      `| setup | events/s held (p99 ≤ 5 ms) | p50 at ${num(cl.rate)}/s, µs | CPU per event at ${num(cl.rate)}/s, µs (nodes + Redis) |`,
    )
    out.push('|---|---:|---:|---:|')
    out.push(
      `| one node (embedded) | ${cell(cl.one.maxRate)} | ${cell(cl.one.p50At)} | ${cell(cl.one.cpuUsPerEvent, 1, 1)} |`,
    )
    out.push(
      `| two nodes over Redis | ${cell(cl.two.maxRate)} | ${cell(cl.two.p50At)} | ${cell(cl.two.cpuUsPerEvent, 1, 1)} |`,
    )
    out.push(
      `| two ÷ one | ${r(ratio(cl.two.maxRate.median, cl.one.maxRate.median))} | ${r(ratio(cl.two.p50At.median, cl.one.p50At.median))} | ${r(ratio(cl.two.cpuUsPerEvent.median, cl.one.cpuUsPerEvent.median))} |`,
      '',
    )
  }
  if (res.notes.length > 0) out.push('## Notes', '', ...res.notes.map((n) => `- ${n}`), '')
  return out.join('\n')
}
