/**
 * Scenario 7, two relay nodes over Redis (the scale-out): the point-to-point sweep with every sender on
 * node 1 and every receiver on node 2, so each event crosses Redis pub/sub, against the same sweep on
 * one node. Both nodes and Redis share the server core (this machine has two cores; the driver has the
 * other), so the figure is what cross-node routing costs, not how far more cores would carry it.
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import { connect } from 'node:net'
import type { ConnectResult, Pair } from '../driver/protocol.js'
import {
  cpuMs,
  freePort,
  RAISED_LIMITS,
  type Server,
  sleep,
  spawnPinned,
  startServer,
  stopServer,
} from '../lib/procs.js'
import { type Summary, summarize } from '../lib/stats.js'
import { type Ctx, rotated } from './context.js'
import { type Step, step, sweep } from './sweep.js'

const PAIRS = 16
const P99_LIMIT_US = 5000

export interface ClusterSetup {
  maxRate: Summary
  p50At: Summary
  cpuUsPerEvent: Summary
}
export interface ClusterResult {
  /** The fixed rate p50 and CPU are compared at. */
  rate: number
  one?: ClusterSetup
  two?: ClusterSetup
}

export function redisAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

async function startRedis(): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort()
  const proc = spawnPinned(
    ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { env: {}, cwd: '/tmp', core: 0 },
  )
  proc.stdout?.resume()
  proc.stderr?.resume()
  const deadline = Date.now() + 10_000
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (up) break
    if (Date.now() > deadline) throw new Error('redis-server did not start')
    await sleep(50)
  }
  return { proc, url: `redis://127.0.0.1:${port}` }
}

export async function cluster(ctx: Ctx): Promise<ClusterResult> {
  if (!ctx.kinds.includes('ours')) return { rate: 0 }
  const pairs: Pair[] = Array.from({ length: PAIRS }, (_, i) => ({ sender: i, recipients: [PAIRS + i] }))
  const redis = await startRedis()
  const servers: Server[] = []
  try {
    const env = { ...RAISED_LIMITS, REDIS_URL: redis.url }
    const single = await startServer('ours', { env: RAISED_LIMITS })
    const n1 = await startServer('ours', { env: { ...env, NODE_ID: 'bench-1' } })
    const n2 = await startServer('ours', { env: { ...env, NODE_ID: 'bench-2' } })
    servers.push(single, n1, n2)
    const connectGroup = async (group: string, url: string, from: number) => {
      const c = await ctx.driver.call<ConnectResult>({
        cmd: 'connect',
        group,
        kind: 'ours',
        url,
        from,
        count: PAIRS,
        concurrency: 8,
      })
      if (c.failed > 0) throw new Error(`cluster: ${c.failed} connections failed: ${c.firstError}`)
    }
    await connectGroup('cl-one', single.url, 0)
    await connectGroup('cl-one-rx', single.url, PAIRS)
    await connectGroup('cl-two', n1.url, 0)
    await connectGroup('cl-two-rx', n2.url, PAIRS)
    // Node 1 must know where node 2's users are before anything is measured.
    const probe = { pairs, rate: 200, durationMs: 300, drainMs: 1000, p99LimitUs: Infinity }
    for (let i = 0; ; i++) {
      const s = await step(ctx, n1, { group: 'cl-two', ...probe })
      if (s.lost === 0) break
      if (i >= 20) throw new Error('cluster: events sent on node 1 never reached node 2')
      await sleep(250)
    }
    // CPU of a two-node setup is both nodes plus Redis; `step` reads one pid, so sum them here.
    const setups = [
      { name: 'one' as const, group: 'cl-one', server: single, pids: [single.pid] },
      { name: 'two' as const, group: 'cl-two', server: n1, pids: [n1.pid, n2.pid, redis.proc.pid ?? 0] },
    ]
    const dur = ctx.quick ? 500 : 1500
    const coarse = new Map<string, number>()
    const maxes = new Map<string, Step[]>()
    for (const s of setups) {
      const r = await sweep(
        ctx,
        s.server,
        {
          group: s.group,
          pairs,
          start: 2000,
          factor: 1.5,
          maxSteps: 12,
          durationMs: 800,
          drainMs: 1500,
          p99LimitUs: P99_LIMIT_US,
        },
        `cluster coarse ${s.name} node(s)`,
      )
      coarse.set(s.name, r.max)
      if (ctx.quick && r.atMax !== undefined) maxes.set(s.name, [r.atMax])
    }
    if (!ctx.quick) {
      for (let run = 0; run < ctx.runs; run++) {
        for (const s of rotated(setups, run)) {
          const r = await sweep(
            ctx,
            s.server,
            {
              group: s.group,
              pairs,
              start: Math.max(1000, (coarse.get(s.name) ?? 2000) * 0.8),
              factor: 1.12,
              maxSteps: 4,
              durationMs: dur,
              drainMs: 1500,
              p99LimitUs: P99_LIMIT_US,
            },
            `cluster run ${run + 1} ${s.name} node(s)`,
          )
          maxes.set(s.name, [...(maxes.get(s.name) ?? []), ...(r.atMax !== undefined ? [r.atMax] : [])])
        }
      }
    }
    // Latency and CPU per event at one fixed rate both setups hold: 50 % of the one-node maximum.
    const oneMax = Math.max(...(maxes.get('one') ?? []).map((s) => s.rate), coarse.get('one') ?? 0, 2000)
    const rate = Math.round(oneMax * 0.5)
    const at = new Map<string, { p50: number; cpu: number }[]>()
    for (let run = 0; run < ctx.runs; run++) {
      for (const s of rotated(setups, run)) {
        const c0 = s.pids.reduce((n, pid) => n + cpuMs(pid), 0)
        const r = await step(ctx, s.server, {
          group: s.group,
          pairs,
          rate,
          durationMs: dur,
          drainMs: 3000,
          p99LimitUs: Infinity,
        })
        const cpu = s.pids.reduce((n, pid) => n + cpuMs(pid), 0) - c0
        ctx.log(
          `cluster ${s.name} node(s) at ${rate}/s: p50 ${r.p50}µs p99 ${r.p99}µs lost ${r.lost}, CPU ${((cpu * 1000) / Math.max(1, r.delivered)).toFixed(1)} µs/event`,
        )
        at.set(s.name, [
          ...(at.get(s.name) ?? []),
          { p50: r.p50, cpu: (cpu * 1000) / Math.max(1, r.delivered) },
        ])
      }
    }
    const out: ClusterResult = { rate }
    for (const s of setups) {
      const m = maxes.get(s.name) ?? []
      const a = at.get(s.name) ?? []
      out[s.name] = {
        maxRate: summarize(m.length > 0 ? m.map((x) => x.rate) : [0]),
        p50At: summarize(a.map((x) => x.p50)),
        cpuUsPerEvent: summarize(a.map((x) => x.cpu)),
      }
    }
    return out
  } finally {
    for (const g of ['cl-one', 'cl-one-rx', 'cl-two', 'cl-two-rx'])
      await ctx.driver.call({ cmd: 'close', group: g }).catch(() => {})
    for (const s of servers) await stopServer(s)
    redis.proc.kill('SIGTERM')
  }
}
