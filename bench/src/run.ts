/**
 * `pnpm bench [--quick] [--only p2p,fanout,memory,storm,e2e,ladder,storage,cluster,soak] [--kinds ours,def,raw,sio] [--runs N] [--nice N] [--until HH:MM] [--profile]`
 * Runs every scenario against our relay and both baselines side by side, interleaved, and writes
 * results/latest.md (and latest.json); with --only or --kinds, results/partial.md instead. Benchmarks only: nothing here is a test.
 */
import { execFileSync } from 'node:child_process'
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { Driver } from './lib/driver-handle.js'
import {
  BENCH_DIR,
  CPU_COUNT,
  HAS_TASKSET,
  PIN,
  pin,
  RAISED_LIMITS,
  ROOT_DIR,
  relayBuilt,
  setNiceness,
} from './lib/procs.js'
import { type Results, render } from './report.js'
import { cluster, redisAvailable } from './scenarios/cluster.js'
import { makeCtx } from './scenarios/context.js'
import { e2e, e2eAvailable } from './scenarios/e2e.js'
import { fanout } from './scenarios/fanout.js'
import { ladder } from './scenarios/ladder.js'
import { memory } from './scenarios/memory.js'
import { p2p } from './scenarios/p2p.js'
import { sealingCost, sealingLine } from './scenarios/sealing.js'
import { soak } from './scenarios/soak.js'
import { storage, storageAvailable } from './scenarios/storage.js'
import { storm } from './scenarios/storm.js'

const ALL = ['p2p', 'fanout', 'memory', 'storm', 'e2e', 'ladder', 'storage', 'cluster', 'soak'] as const
type Scenario = (typeof ALL)[number]

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  if (i >= 0) return process.argv[i + 1]
  const eq = process.argv.find((a) => a.startsWith(`${name}=`))
  return eq?.slice(name.length + 1)
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT_DIR }).toString().trim()
  } catch {
    return '?'
  }
}

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU'
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (m?.[1] !== undefined) model = m[1].trim()
  } catch {}
  let kernel = ''
  try {
    kernel = execFileSync('uname', ['-sr']).toString().trim()
  } catch {}
  return `${model}, ${CPU_COUNT} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${kernel}`
}

/** fsync latency of the disk the databases live on (tmpdir), as context for scenarios 5 and 6. */
function fsyncLatency(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-fsync-'))
  try {
    const fd = openSync(join(dir, 'f'), 'w')
    const ms: number[] = []
    const block = Buffer.alloc(4096, 1)
    for (let i = 0; i < 100; i++) {
      writeSync(fd, block)
      const t = performance.now()
      fsyncSync(fd)
      ms.push(performance.now() - t)
    }
    closeSync(fd)
    ms.sort((a, b) => a - b)
    return `fsync of 4 KiB: p50 ${(ms[50] ?? 0).toFixed(2)} ms, p99 ${(ms[99] ?? 0).toFixed(2)} ms`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick')
  const runs = Number(arg('--runs') ?? (quick ? 1 : 3))
  // --quick leaves out the two-node scenario (it needs redis-server and another sweep).
  const defaults: string[] = quick ? ALL.filter((s) => s !== 'cluster') : [...ALL]
  const only = (arg('--only')?.split(',') ?? defaults).filter((s): s is Scenario =>
    (ALL as readonly string[]).includes(s),
  )
  const profileDir = process.argv.includes('--profile') ? join(BENCH_DIR, 'results/profiles') : undefined
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true })
  const started = new Date()
  const load0 = loadavg()
  const fsync = fsyncLatency()
  // Measured before any server starts, so nothing competes with it.
  const sealing = sealingLine(sealingCost(quick ? 2000 : 5000))
  // The orchestrator stays out of the server's way: it shares the driver's core.
  pin(process.pid, 1)
  const nice = Number(arg('--nice') ?? 0)
  if (nice !== 0) setNiceness(nice)
  const driver = Driver.start()
  const ctx = makeCtx({ quick, runs, driver, profileDir })
  const kindsArg = arg('--kinds')?.split(',')
  if (kindsArg !== undefined) ctx.kinds = ctx.kinds.filter((k) => kindsArg.includes(k))
  const res: Results = { header: [], notes: ctx.notes }
  if (!relayBuilt())
    ctx.notes.push('apps/collab/dist/server.js is missing (run `pnpm build`): our relay was not measured.')
  try {
    // --until HH:MM (UTC): scenarios not started by then are skipped and listed in the notes.
    const until = arg('--until')
    for (const s of only) {
      const t = performance.now()
      if (until !== undefined && new Date().toISOString().slice(11, 16) >= until) {
        ctx.notes.push(`Scenario ${s} was skipped: the run had to end by ${until} UTC.`)
        continue
      }
      ctx.log(`== ${s}`)
      try {
        await runScenario(s)
      } catch (e) {
        const msg = e instanceof Error ? e.message.split('\n')[0] : String(e)
        ctx.log(`!! ${s} failed: ${e instanceof Error ? e.stack : msg}`)
        ctx.notes.push(`Scenario ${s} failed in this run: ${msg}`)
      }
      ctx.log(`== ${s} done in ${((performance.now() - t) / 1000).toFixed(0)} s`)
    }
  } finally {
    await driver.stop()
  }
  async function runScenario(s: Scenario): Promise<void> {
    switch (s) {
      case 'p2p':
        res.p2p = await p2p(ctx)
        break
      case 'fanout':
        res.fanout = await fanout(ctx)
        break
      case 'memory':
        res.memory = await memory(ctx)
        break
      case 'storm':
        res.storm = await storm(ctx)
        break
      case 'e2e':
        if (e2eAvailable()) res.e2e = await e2e(ctx)
        else ctx.notes.push('apps/backend/dist/server.js is missing: the end-to-end scenario was not run.')
        break
      case 'ladder':
        if (e2eAvailable()) res.ladder = await ladder(ctx)
        else ctx.notes.push('apps/backend/dist is missing: the backend ladder was not run.')
        break
      case 'storage':
        if (storageAvailable()) res.storage = await storage(ctx)
        else ctx.notes.push('apps/backend/dist is missing: the storage scenario was not run.')
        break
      case 'soak':
        if (e2eAvailable()) res.soak = await soak(ctx)
        else ctx.notes.push('apps/backend/dist is missing: the backend soak was not run.')
        break
      case 'cluster':
        if (redisAvailable()) res.cluster = await cluster(ctx)
        else ctx.notes.push('redis-server is not installed: the two-node scenario was not run.')
        break
    }
  }
  const seconds = (Date.now() - started.getTime()) / 1000
  const load1 = loadavg()
  res.header = [
    `Run: ${started.toISOString()} (${quick ? '--quick' : 'full'}, ${seconds.toFixed(0)} s), commit ${git(['rev-parse', '--short', 'HEAD'])}; scenarios: ${only.join(', ')}`,
    `Machine: ${machine()}; load average ${load0[0]?.toFixed(2)} at start, ${load1[0]?.toFixed(2)} at end (the machine is shared: other work ran alongside); ${fsync}`,
    `Node ${process.version}; ws, socket.io ${pkgVersion('socket.io')}, hdr-histogram-js ${pkgVersion('hdr-histogram-js')}`,
    PIN
      ? 'Pinning: every server process (relay, baselines, backends, storage worker) on core 0 with `taskset -c 0`; the load driver (and this orchestrator) on core 1'
      : `Pinning: none (${HAS_TASKSET ? `${CPU_COUNT} core(s)` : 'no taskset'}): servers and driver share the CPU`,
    nice !== 0
      ? `Priority: every measured process (servers, backends, driver) at niceness ${nice}, ahead of other work on the machine`
      : 'Priority: normal (niceness 0), competing with whatever else runs',
    `Runs: ${quick ? '1 measured run (the coarse sweep is the measurement)' : `warm-up (coarse sweep), then ${runs} measured runs`}; contenders interleaved, order rotated each run`,
    `Our relay: \`node apps/collab/dist/server.js\` with NODE_ENV=production, LOG_LEVEL=warn (per-event "routed" log lines are info level, so off); throughput scenarios 1–2 with RATE_LIMIT_PER_SEC=${RAISED_LIMITS.RATE_LIMIT_PER_SEC} and RATE_LIMIT_BURST=${RAISED_LIMITS.RATE_LIMIT_BURST} (defaults 2,000/s, burst 4,000 per connection); scenarios 3–5 with default limits; "ours at its defaults" (scenarios 1–2 and the relay of the backend ladder) as \`pnpm start\` runs it: nothing set but the token secret (info logging, default limits)`,
    'Baselines: raw `ws` forwarder (bench/src/servers/raw-ws.ts) and Socket.IO 4 relay with the default engine (bench/src/servers/socketio.ts), same HS256 token check at connect, one connection per bench user; the Socket.IO client uses the websocket transport from the start',
    sealing,
    'Load: `comment_added` events of ~300 B JSON (~400 B send frames), sent at a fixed rate in 1 ms ticks, stamped with process.hrtime at send; point-to-point over 32 sender→receiver pairs; latency is send → receipt in the driver',
  ]
  const md = render(res)
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true })
  // A run of some scenarios or contenders only does not replace the latest full (or --quick) table.
  const partial = arg('--only') !== undefined || arg('--kinds') !== undefined
  const name = partial ? 'partial' : 'latest'
  writeFileSync(join(BENCH_DIR, `results/${name}.md`), md)
  writeFileSync(join(BENCH_DIR, `results/${name}.json`), `${JSON.stringify(res, null, 2)}\n`)
  if (!quick && !partial) updateReadme(md)
  process.stdout.write(`\n${md}\n`)
}

/** A full run of everything puts its table into the README, between the `latest` markers. */
function updateReadme(md: string): void {
  const file = join(BENCH_DIR, 'README.md')
  const text = readFileSync(file, 'utf8')
  const start = '<!-- latest:start -->'
  const end = '<!-- latest:end -->'
  const a = text.indexOf(start)
  const b = text.indexOf(end)
  if (a < 0 || b < a) return
  const body = md.replace(/^# Relay benchmark\n\n/, '').replace(/^## /gm, '### ')
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`)
}

function pkgVersion(name: string): string {
  try {
    const p = JSON.parse(readFileSync(join(BENCH_DIR, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string
    }
    return p.version
  } catch {
    return '?'
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})
