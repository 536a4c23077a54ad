/** A fixed-rate step and a rising-rate sweep, shared by point-to-point and fan-out. */
import type { LoadResult, Pair } from '../driver/protocol.js'
import { cpuMs, type Kind, type Server, sleep } from '../lib/procs.js'
import { type Ctx, rotated } from './context.js'

export interface Step extends LoadResult {
  /** Target rate in deliveries per second. */
  rate: number
  serverCpuPct: number
  /** Server CPU time (user + system) per delivery, µs: what a delivery costs, whatever the CPU share. */
  cpuUsPerDelivery: number
  held: boolean
}

export interface StepSpec {
  group: string
  pairs: Pair[]
  /** Deliveries per second; events per second = rate / recipients per event. */
  rate: number
  durationMs: number
  drainMs: number
  p99LimitUs: number
  /**
   * Connects the group again after a step in which the server closed connections (a recipient it found
   * too slow, say): otherwise every later step would count that recipient's events as lost.
   */
  reconnect?: () => Promise<void>
}

export async function step(ctx: Ctx, server: Server, spec: StepSpec): Promise<Step> {
  const fanout = spec.pairs[0]?.recipients.length ?? 1
  const eventRate = spec.rate / fanout
  const c0 = cpuMs(server.pid)
  const t0 = performance.now()
  const r = await ctx.driver.call<LoadResult>({
    cmd: 'load',
    group: spec.group,
    session: ctx.session(),
    pairs: spec.pairs,
    rate: eventRate,
    durationMs: spec.durationMs,
    drainMs: spec.drainMs,
  })
  const usedMs = cpuMs(server.pid) - c0
  if (r.closes > 0 && spec.reconnect !== undefined) {
    ctx.log(`  ${r.closes} connections closed by the server during the step: connecting them again`)
    await spec.reconnect()
  }
  const serverCpuPct = (usedMs / (performance.now() - t0)) * 100
  const cpuUsPerDelivery = r.delivered > 0 ? (usedMs * 1000) / r.delivered : Number.NaN
  const held =
    r.lost === 0 &&
    r.dup === 0 &&
    r.errors === 0 &&
    r.closes === 0 &&
    r.p99 <= spec.p99LimitUs &&
    r.achievedRate >= eventRate * 0.97
  return { ...r, rate: spec.rate, serverCpuPct, cpuUsPerDelivery, held }
}

/** The server (or the driver) could not keep up: the median is over the limit, or events were lost or not sent. */
function saturated(s: Step, p99LimitUs: number): boolean {
  return s.p50 > p99LimitUs || s.lost > 0 || s.achievedRate < (s.rate / fanoutOf(s)) * 0.97
}

const fanoutOf = (s: Step): number => (s.sent > 0 ? s.expected / s.sent : 1)

export interface SweepSpec extends Omit<StepSpec, 'rate'> {
  start: number
  factor: number
  maxSteps: number
}

export interface SweepResult {
  /** Highest rate held (deliveries/s); 0 when even the first step failed. */
  max: number
  atMax: Step | undefined
  steps: Step[]
}

/**
 * Raises the rate by `factor` per step until two steps in a row miss (p99 over limit, loss, lag) after
 * one has held; a step that misses is tried once more before it counts as a miss.
 */
export async function sweep(ctx: Ctx, server: Server, spec: SweepSpec, label: string): Promise<SweepResult> {
  const steps: Step[] = []
  let max = 0
  let atMax: Step | undefined
  let misses = 0
  let rate = spec.start
  // maxSteps bounds a sweep that has started to miss; one that still holds goes on (up to 40 steps).
  let lastHeld = false
  for (let i = 0; misses < 2 && (i < spec.maxSteps || lastHeld) && i < 40; i++) {
    let s = await step(ctx, server, { ...spec, rate: Math.round(rate) })
    if (!s.held) {
      // The machine is shared: a miss counts only when the same rate misses again right after.
      await sleep(150)
      const again = await step(ctx, server, { ...spec, rate: Math.round(rate) })
      if (again.held || again.p99 < s.p99) s = again
    }
    steps.push(s)
    ctx.log(
      `  ${label} ${Math.round(rate)}/s: p50 ${s.p50}µs p99 ${s.p99}µs lost ${s.lost} dup ${s.dup} sent ${Math.round(s.achievedRate)}/s cpu ${s.serverCpuPct.toFixed(0)}% driver ${s.driverCpuPct.toFixed(0)}% ${s.held ? 'held' : 'MISS'}`,
    )
    lastHeld = s.held
    if (s.held) {
      misses = 0
      if (s.rate > max) {
        max = s.rate
        atMax = s
      }
    } else if (max > 0 || saturated(s, spec.p99LimitUs)) {
      // Before any rate has held, only a saturated step counts: a p99 spike with a low median is a
      // warming-up server (or a noisy neighbour), not its limit.
      misses++
    }
    rate *= spec.factor
    await sleep(150)
  }
  return { max, atMax, steps }
}

/**
 * Each contender's held maxima: a coarse sweep each first (the warm-up of a full run, the measurement of
 * a quick one), then in a full run `ctx.runs` rounds of a finer sweep from `fine(the coarse max)`, the
 * contenders' order rotated each round. Labels read `<label> coarse <kind>` and `<label> run <n> <kind>`.
 */
export async function sweepMaxima(
  ctx: Ctx,
  server: (kind: Kind) => Server,
  coarse: (kind: Kind) => SweepSpec,
  fine: (kind: Kind, coarseMax: number | undefined) => SweepSpec,
  label: string,
): Promise<Map<Kind, Step[]>> {
  const coarseMax = new Map<Kind, number>()
  const maxes = new Map<Kind, Step[]>()
  for (const kind of ctx.kinds) {
    const r = await sweep(ctx, server(kind), coarse(kind), `${label} coarse ${kind}`)
    coarseMax.set(kind, r.max)
    if (ctx.quick && r.atMax !== undefined) maxes.set(kind, [r.atMax])
  }
  if (ctx.quick) return maxes
  for (let run = 0; run < ctx.runs; run++) {
    for (const kind of rotated(ctx.kinds, run)) {
      const r = await sweep(
        ctx,
        server(kind),
        fine(kind, coarseMax.get(kind)),
        `${label} run ${run + 1} ${kind}`,
      )
      maxes.set(kind, [...(maxes.get(kind) ?? []), ...(r.atMax !== undefined ? [r.atMax] : [])])
    }
  }
  return maxes
}
