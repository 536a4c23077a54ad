/**
 * Idle latency (500 events/s, one sender → one receiver) of relay builds side by side with the raw
 * forwarder and the bare TCP echo floor, interleaved over several rounds, to judge a change to the hot path:
 *   pnpm --filter @pp/bench exec tsx src/tools/idle-ab.ts [rounds] [/path/to/candidate/dist/server.js …]
 */

import type { Latency } from '../driver/protocol.js'
import { Driver } from '../lib/driver-handle.js'
import {
  pin,
  RAISED_LIMITS,
  RELAY_ENTRY,
  type Server,
  startEcho,
  startServer,
  stopServer,
} from '../lib/procs.js'
import { median } from '../lib/stats.js'
import { makeCtx } from '../scenarios/context.js'
import { step } from '../scenarios/sweep.js'

const rounds = Number(process.argv[2] ?? 5)
const entries = [RELAY_ENTRY, ...process.argv.slice(3)]
pin(process.pid, 1)
const driver = Driver.start()
const ctx = makeCtx({ quick: false, runs: rounds, driver, profileDir: undefined })
const contenders: { label: string; server: Server; group: string }[] = []
try {
  for (const [i, entry] of entries.entries()) {
    const server = await startServer('ours', { env: RAISED_LIMITS, entry })
    contenders.push({ label: i === 0 ? 'ours (current build)' : `ours (${entry})`, server, group: `ab-${i}` })
  }
  contenders.push({ label: 'raw ws', server: await startServer('raw'), group: 'ab-raw' })
  for (const c of contenders) {
    await driver.call({
      cmd: 'connect',
      group: c.group,
      kind: c.server.kind,
      url: c.server.url,
      from: 0,
      count: 2,
      concurrency: 2,
    })
    await step(ctx, c.server, {
      group: c.group,
      pairs: [{ sender: 0, recipients: [1] }],
      rate: 2000,
      durationMs: 1000,
      drainMs: 500,
      p99LimitUs: Infinity,
    })
  }
  const echo = await startEcho()
  const p50 = new Map<string, number[]>()
  const add = (k: string, v: number) => p50.set(k, [...(p50.get(k) ?? []), v])
  for (let r = 0; r < rounds; r++) {
    const f = await driver.call<Latency>({
      cmd: 'echo',
      port: echo.port,
      rate: 500,
      durationMs: 2000,
      bytes: 400,
    })
    add('floor (TCP echo)', f.p50)
    for (const c of r % 2 === 0 ? contenders : [...contenders].reverse()) {
      const s = await step(ctx, c.server, {
        group: c.group,
        pairs: [{ sender: 0, recipients: [1] }],
        rate: 500,
        durationMs: 2000,
        drainMs: 500,
        p99LimitUs: Infinity,
      })
      add(c.label, s.p50)
    }
    ctx.log(`round ${r + 1}: ${[...p50].map(([k, v]) => `${k} ${v[v.length - 1]}`).join(' · ')}`)
  }
  echo.proc.kill('SIGTERM')
  for (const [k, v] of p50) console.log(`${k}: median p50 ${median(v)} µs (${v.join(', ')})`)
} finally {
  for (const c of contenders) await stopServer(c.server)
  await driver.stop()
}
