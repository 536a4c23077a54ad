/**
 * The backend ladder: rising comment rates, REST comment at A → relay → B → B's socket.io, through our
 * two backends and through the floor (src/servers/floor-backend.ts: the same statements on raw
 * better-sqlite3 with the same group commit, the same signing and sealing, nothing else), both behind
 * our relay as `pnpm start` runs it. A step holds when every comment arrives and the p95 is ≤ 100 ms;
 * the figure is the highest rate held.
 */

import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BENCH_DIR, cpuMs, freePort, spawnPinned, startServer, stopServer } from '../lib/procs.js'
import { type Summary, summarize } from '../lib/stats.js'
import { mintUserToken } from '../lib/tokens.js'
import { type Ctx, rotated } from './context.js'
import { A, B, type Backend, drive, getJson, setup, startBackend, stopProc, until } from './e2e.js'

const P95_LIMIT_US = 100_000
const RATES = [100, 200, 400, 700, 1000, 1400, 2000, 2800, 4000]

export type LadderSide = 'backend' | 'floor'
export interface LadderResult {
  held: Record<LadderSide, Summary>
  steps: Record<LadderSide, Array<{ rate: number; p95: number; lost: number }>>
}

const IDEA_ID = '01900000-0000-7000-8000-00000000f100'

async function startFloor(
  user: { id: string; name: string },
  peer: { id: string },
  owner: boolean,
  relayUrl: string,
  dir: string,
): Promise<Backend> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const token = randomBytes(24).toString('base64url')
  const proc: ChildProcess = spawnPinned(
    [process.execPath, '--import', 'tsx', join(BENCH_DIR, 'src/servers/floor-backend.ts')],
    {
      cwd: BENCH_DIR,
      core: 0,
      env: {
        PORT: String(port),
        DB: join(dir, `floor-${user.name.replace(' ', '_')}.db`),
        ME: user.id,
        ME_NAME: user.name,
        PEER: peer.id,
        IDEA_ID,
        OWNER: owner ? '1' : '0',
        RELAY_URL: relayUrl,
        RELAY_TOKEN: await mintUserToken(user.id, user.name),
        API_TOKEN: token,
        KEYS_DIR: dir,
      },
    },
  )
  let log = ''
  proc.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-5000)
  })
  return { proc, url, api: `${url}/api/v1`, token, log: () => log }
}

async function floorUp(b: Backend): Promise<void> {
  await until(
    async () => {
      if (b.proc.exitCode !== null) throw new Error(`floor backend exited: ${b.log()}`)
      return (await getJson<{ connected: boolean }>(`${b.url}/health`))?.connected === true
    },
    20_000,
    'the floor backend on the relay',
  )
}

export async function ladder(ctx: Ctx): Promise<LadderResult> {
  const held: Record<LadderSide, number[]> = { backend: [], floor: [] }
  const steps: LadderResult['steps'] = { backend: [], floor: [] }
  for (let run = 0; run < ctx.runs; run++) {
    for (const side of rotated(['backend', 'floor'] as const, run)) {
      const dir = mkdtempSync(join(tmpdir(), 'pp-bench-ladder-'))
      const relay = await startServer('def')
      const procs: Backend[] = []
      try {
        let a: Backend
        let b: Backend
        let ideaId = IDEA_ID
        if (side === 'backend') {
          a = await startBackend(A, relay.url, dir, undefined)
          procs.push(a)
          b = await startBackend(B, relay.url, dir, undefined)
          procs.push(b)
          ideaId = await setup(a, b)
        } else {
          a = await startFloor(A, B, true, relay.url, dir)
          procs.push(a)
          b = await startFloor(B, A, false, relay.url, dir)
          procs.push(b)
          await floorUp(a)
          await floorUp(b)
        }
        const call = (rate: number, durationMs: number) =>
          drive(ctx, a, b, ideaId, { rate, durationMs, drainMs: 15_000 })
        await call(50, 800)
        let best = 0
        for (const rate of RATES) {
          const pids = [relay.pid, a.proc.pid ?? 0, b.proc.pid ?? 0]
          const cpu0 = pids.map(cpuMs)
          const r = await call(rate, ctx.quick ? 1000 : 2000)
          const us = pids.map((p, i) => (((cpuMs(p) - (cpu0[i] ?? 0)) * 1000) / r.sent).toFixed(0))
          ctx.log(
            `ladder ${side} ${rate}/s: p50 ${(r.p50 / 1000).toFixed(1)} ms p95 ${(r.p95 / 1000).toFixed(1)} ms, ${r.delivered}/${r.expected} delivered; CPU per comment µs: relay ${us[0]}, A ${us[1]}, B ${us[2]}`,
          )
          if (run === 0) steps[side].push({ rate, p95: r.p95, lost: r.lost })
          if (r.lost > 0 || r.p95 > P95_LIMIT_US) break
          best = rate
        }
        held[side].push(best)
      } finally {
        for (const p of procs) await stopProc(p.proc)
        await stopServer(relay)
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  return { held: { backend: summarize(held.backend), floor: summarize(held.floor) }, steps }
}
