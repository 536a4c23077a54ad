/**
 * Scenario 5, end to end: a relay and two real backends (SQLite, outbox/inbox) on the server core. A is
 * friends with B and shares an idea with B; the driver posts comments to A's REST API at a fixed rate and
 * stops each clock when B's socket.io client receives that comment as `comment:upserted`. The relay is
 * ours or the raw forwarder (it speaks the same protocol); Socket.IO cannot stand in (backends speak ws).
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { E2eResult } from '../driver/protocol.js'
import {
  BACKEND_ENTRY,
  cpuMs,
  freePort,
  type Kind,
  sleep,
  spawnPinned,
  startServer,
  stopServer,
} from '../lib/procs.js'
import { type Summary, summarize } from '../lib/stats.js'
import { mintUserToken } from '../lib/tokens.js'
import { type Ctx, rotated } from './context.js'

export const A = { id: '00000000-0000-0000-0000-00000000000a', name: 'User A' }
export const B = { id: '00000000-0000-0000-0000-00000000000b', name: 'User B' }

export interface E2eKind {
  p50: Summary
  p95: Summary
  p99: Summary
  lost: number
}
export interface E2eResultTable {
  rates: Record<string, { [K in Kind]?: E2eKind }>
}

export function e2eAvailable(): boolean {
  return existsSync(BACKEND_ENTRY)
}

export interface Backend {
  proc: ChildProcess
  url: string
  api: string
  /** Its API token (BACKEND_API_TOKEN). */
  token: string
  log: () => string
  /** The inspector's URL, when started with `inspect` (heap measurements after GC). */
  inspectorUrl?: string | undefined
}

export async function startBackend(
  user: { id: string; name: string },
  relayUrl: string,
  dir: string,
  profileDir: string | undefined,
  opts: { inspect?: boolean } = {},
): Promise<Backend> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const token = randomBytes(24).toString('base64url')
  const flags =
    profileDir === undefined
      ? []
      : [
          '--cpu-prof',
          `--cpu-prof-dir=${profileDir}`,
          `--cpu-prof-name=backend-${user.name.replace(' ', '-')}-${Date.now()}.cpuprofile`,
        ]
  if (opts.inspect) flags.push('--inspect=127.0.0.1:0')
  const proc = spawnPinned([process.execPath, ...flags, BACKEND_ENTRY], {
    cwd: dir,
    core: 0,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `file:${join(dir, `${user.name.replace(' ', '_')}.db`)}`,
      BACKEND_USER_ID: user.id,
      BACKEND_DISPLAY_NAME: user.name,
      BACKEND_URL: url,
      BACKEND_API_TOKEN: token,
      COLLABORATION_SERVICE_URL: relayUrl,
      COLLAB_TOKEN: await mintUserToken(user.id, user.name),
      ENABLE_COLLABORATION: 'true',
      USE_MOCK_SCHWAB_DATA: 'true',
      CORS_ORIGINS: 'http://localhost:3000',
      NODE_ENV: 'production',
    },
  })
  let log = ''
  const keep = (d: Buffer) => {
    log += d.toString()
    if (log.length > 20_000) log = log.slice(-10_000)
  }
  proc.stdout?.on('data', keep)
  proc.stderr?.on('data', keep)
  const b: Backend = { proc, url, api: `${url}/api/v1`, token, log: () => log }
  if (opts.inspect) {
    await until(async () => /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.test(log), 10_000, `${user.name}'s inspector`)
    b.inspectorUrl = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(log)?.[0]
  }
  await until(
    async () => {
      if (proc.exitCode !== null) throw new Error(`backend ${user.name} exited: ${log.slice(-2000)}`)
      const h = await getJson<{ collaboration?: { connected?: boolean } }>(`${url}/health`)
      return h?.collaboration?.connected === true
    },
    20_000,
    `backend ${user.name} connected to the relay`,
  )
  return b
}

const auth = (b: Backend): RequestInit => ({ headers: { authorization: `Bearer ${b.token}` } })

export async function getJson<T>(url: string, init?: RequestInit): Promise<T | undefined> {
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })
    if (!r.ok) return undefined
    return (await r.json()) as T
  } catch {
    return undefined
  }
}

async function send<T>(method: string, url: string, body: unknown, token: string): Promise<T> {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  })
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`)
  return (await r.json()) as T
}

export async function until(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

export async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return
  const exited = new Promise<void>((r) => p.once('exit', () => r()))
  p.kill('SIGTERM')
  const t = setTimeout(() => p.kill('SIGKILL'), 4000)
  await exited
  clearTimeout(t)
}

/** Friends, one idea of A's shared with B, B holding it. Returns the idea id. */
export async function setup(a: Backend, b: Backend): Promise<string> {
  await send('POST', `${a.api}/friends`, { userId: B.id }, a.token)
  await until(
    async () =>
      ((await getJson<{ id: string; status: string }[]>(`${b.api}/friends`, auth(b))) ?? []).some(
        (f) => f.id === A.id,
      ),
    10_000,
    'the friend request at B',
  )
  await send('POST', `${b.api}/friends/${A.id}/accept`, {}, b.token)
  await until(
    async () =>
      ((await getJson<{ id: string; status: string }[]>(`${a.api}/friends`, auth(a))) ?? []).some(
        (f) => f.id === B.id && f.status === 'accepted',
      ),
    10_000,
    'the friendship at A',
  )
  const idea = await send<{ id: string }>(
    'POST',
    `${a.api}/ideas`,
    {
      symbol: 'AAPL',
      strategy: 'Covered Call',
      status: 'Planned',
      tags: ['bench'],
      notes: 'end-to-end benchmark',
    },
    a.token,
  )
  await send('PUT', `${a.api}/ideas/${idea.id}/shares`, { userIds: [B.id] }, a.token)
  await until(
    async () =>
      ((await getJson<{ id: string }[]>(`${b.api}/shared`, auth(b))) ?? []).some((i) => i.id === idea.id),
    10_000,
    'the shared idea at B',
  )
  return idea.id
}

/** Comments posted to A's REST API at a fixed rate, each timed until B's socket.io client has it. */
export function drive(
  ctx: Ctx,
  a: Backend,
  b: Backend,
  ideaId: string,
  load: { rate: number; durationMs: number; drainMs: number },
): Promise<E2eResult> {
  return ctx.driver.call<E2eResult>({
    cmd: 'e2e',
    session: ctx.session(),
    apiA: a.api,
    tokenA: a.token,
    ideaId,
    urlB: b.url,
    tokenB: b.token,
    ...load,
  })
}

export async function e2e(ctx: Ctx): Promise<E2eResultTable> {
  const rates = [10, 200, 1000]
  const kinds = ctx.kinds.filter((k): k is Kind => k !== 'sio' && k !== 'def')
  const acc = new Map<string, E2eResult[]>()
  for (let run = 0; run < ctx.runs; run++) {
    for (const kind of rotated(kinds, run)) {
      const dir = mkdtempSync(join(tmpdir(), 'pp-bench-e2e-'))
      const relay = await startServer(
        kind,
        kind === 'ours' && ctx.profileDir !== undefined ? { cpuProfDir: ctx.profileDir } : {},
      )
      const backends: Backend[] = []
      try {
        const a = await startBackend(A, relay.url, dir, ctx.profileDir)
        backends.push(a)
        const b = await startBackend(B, relay.url, dir, ctx.profileDir)
        backends.push(b)
        const ideaId = await setup(a, b)
        // Warm-up (not measured): fresh processes compile their query and socket paths on first use.
        await drive(ctx, a, b, ideaId, { rate: 20, durationMs: ctx.quick ? 800 : 1500, drainMs: 15_000 })
        for (const rate of rates) {
          const pids = [relay.pid, a.proc.pid ?? 0, b.proc.pid ?? 0]
          const cpu0 = pids.map(cpuMs)
          const r = await drive(ctx, a, b, ideaId, {
            rate,
            durationMs: ctx.quick ? (rate > 50 ? 1000 : 2000) : rate > 50 ? 2000 : 8000,
            drainMs: 30_000,
          })
          const [relayUs, aUs, bUs] = pids.map((p, i) => ((cpuMs(p) - (cpu0[i] ?? 0)) * 1000) / r.sent)
          ctx.log(
            `e2e ${kind} ${rate}/s: CPU per comment: relay ${relayUs?.toFixed(0)} µs, A ${aUs?.toFixed(0)} µs, B ${bUs?.toFixed(0)} µs; driver CPU ${r.driverCpuPct.toFixed(0)} %`,
          )
          ctx.log(
            `e2e ${kind} ${rate}/s: p50 ${(r.p50 / 1000).toFixed(1)} ms p95 ${(r.p95 / 1000).toFixed(1)} ms p99 ${(r.p99 / 1000).toFixed(1)} ms, ${r.delivered}/${r.expected} delivered, REST p50 ${(r.restP50 / 1000).toFixed(1)} ms, ${r.restErrors} REST errors`,
          )
          const key = `${rate}:${kind}`
          acc.set(key, [...(acc.get(key) ?? []), r])
        }
      } finally {
        for (const b of backends) await stopProc(b.proc)
        await stopServer(relay)
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  const out: E2eResultTable = { rates: {} }
  for (const rate of rates) {
    const row: { [K in Kind]?: E2eKind } = {}
    for (const kind of kinds) {
      const rs = acc.get(`${rate}:${kind}`) ?? []
      row[kind] = {
        p50: summarize(rs.map((r) => r.p50)),
        p95: summarize(rs.map((r) => r.p95)),
        p99: summarize(rs.map((r) => r.p99)),
        lost: rs.reduce((n, r) => n + r.lost, 0),
      }
    }
    out.rates[String(rate)] = row
  }
  return out
}
