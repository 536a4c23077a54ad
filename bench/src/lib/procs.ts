/** Starting, pinning, measuring and stopping the processes under test. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { BENCH_SECRET } from './ids.js'

const require = createRequire(import.meta.url)

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const ROOT_DIR = join(BENCH_DIR, '..')
/** Our relay's built entry (`@pp/collab/server`); BENCH_RELAY_ENTRY points at another build (to compare a candidate change). */
export const RELAY_ENTRY = process.env.BENCH_RELAY_ENTRY ?? require.resolve('@pp/collab/server')
/** The backend's built entry (`@pp/backend/server`). */
export const BACKEND_ENTRY = require.resolve('@pp/backend/server')

/** `def`: our relay exactly as `pnpm start` runs it (its default log level and limits). */
export type Kind = 'ours' | 'raw' | 'sio' | 'def'
export const KINDS: readonly Kind[] = ['ours', 'raw', 'sio', 'def']
export const KIND_LABEL: Record<Kind, string> = {
  ours: 'ours',
  raw: 'raw ws',
  sio: 'Socket.IO',
  def: 'ours at its defaults',
}

export const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
export const CPU_COUNT = (() => {
  try {
    return Number(execFileSync('nproc').toString().trim()) || 1
  } catch {
    return 1
  }
})()
/** Servers go on core 0 and the load driver on core 1 (when there are two cores and taskset). */
export const PIN = HAS_TASKSET && CPU_COUNT >= 2

let niceness = 0
/** `--nice N`: run every measured process at niceness N (negative = ahead of other work; needs root). */
export function setNiceness(n: number): void {
  niceness = n
}
/** The exec prefix that pins to `core` and applies the niceness. */
export function execPrefix(core: number): string {
  const nice = niceness !== 0 ? `nice -n ${niceness} ` : ''
  return PIN ? `exec ${nice}taskset -c ${core}` : `exec ${nice}`.trimEnd()
}

export function pin(pid: number, core: number): void {
  if (!PIN) return
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' })
  } catch {
    // the process may already be gone
  }
}

/**
 * A free TCP port below the kernel's ephemeral range (32768–60999 by default), so that neither a
 * server's inspector (`--inspect=…:0`) nor the thousands of client sockets the driver opens can be
 * handed the port between our check and the server's listen.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (handedOut.has(port)) continue
    if (await canListen(port)) {
      handedOut.add(port)
      return port
    }
  }
  throw new Error('no free port in 20000-31999')
}
const handedOut = new Set<number>()

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/** Relay settings that lift its per-connection rate limit for throughput runs (reported in the header). */
export const RAISED_LIMITS = { RATE_LIMIT_PER_SEC: '1000000', RATE_LIMIT_BURST: '1000000' }

export interface StartOptions {
  port?: number
  /** Extra env for the process (relay limits, …). */
  env?: Record<string, string>
  /** Start with the inspector on a random port, for heap measurements after GC. */
  inspect?: boolean
  /** Write a V8 CPU profile into this folder. */
  cpuProfDir?: string
  /** Our relay from another build than RELAY_ENTRY (a candidate change, measured beside the current one). */
  entry?: string
}

export interface Server {
  kind: Kind
  port: number
  url: string
  proc: ChildProcess
  pid: number
  inspectorUrl?: string
  stderr: () => string
}

export function relayBuilt(): boolean {
  return existsSync(RELAY_ENTRY)
}

function commandFor(kind: Kind, port: number, nodeFlags: string[], entry = RELAY_ENTRY): string[] {
  switch (kind) {
    case 'ours':
    case 'def':
      return [process.execPath, ...nodeFlags, entry, '--port', String(port), '--host', '127.0.0.1']
    case 'raw':
      return [
        process.execPath,
        ...nodeFlags,
        '--import',
        'tsx',
        join(BENCH_DIR, 'src/servers/raw-ws.ts'),
        '--port',
        String(port),
      ]
    case 'sio':
      return [
        process.execPath,
        ...nodeFlags,
        '--import',
        'tsx',
        join(BENCH_DIR, 'src/servers/socketio.ts'),
        '--port',
        String(port),
      ]
  }
}

/**
 * Spawns a process through bash with `ulimit -n` raised and `taskset -c <core>` (when available),
 * so the pid is node's own (exec).
 */
export function spawnPinned(
  argv: string[],
  opts: { env: Record<string, string>; cwd: string; core: number },
): ChildProcess {
  const prefix = `${execPrefix(opts.core)} "$@"`
  return spawn(
    'bash',
    ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); ${prefix}`, 'bash', ...argv],
    {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
}

export async function startServer(kind: Kind, opts: StartOptions = {}): Promise<Server> {
  try {
    return await startOnce(kind, opts)
  } catch (e) {
    // Once more: the port may have been taken in between, or a build rewritten while we started.
    await sleep(1000)
    try {
      return await startOnce(kind, opts)
    } catch {
      throw e
    }
  }
}

async function startOnce(kind: Kind, opts: StartOptions): Promise<Server> {
  const port = opts.port ?? (await freePort())
  const nodeFlags: string[] = []
  if (opts.inspect) nodeFlags.push('--inspect=127.0.0.1:0')
  if (opts.cpuProfDir !== undefined) nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`)
  // `def` gets nothing but the secret: its log level, limits and NODE_ENV are `pnpm start`'s.
  const env: Record<string, string> =
    kind === 'def'
      ? { COLLAB_JWT_SECRET: BENCH_SECRET }
      : { COLLAB_JWT_SECRET: BENCH_SECRET, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...opts.env }
  const proc = spawnPinned(commandFor(kind, port, nodeFlags, opts.entry), {
    env,
    cwd: kind === 'ours' || kind === 'def' ? ROOT_DIR : BENCH_DIR,
    core: 0,
  })
  let err = ''
  let inspectorUrl: string | undefined
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
    if (err.length > 20_000) err = err.slice(-10_000)
    const m = /Debugger listening on (ws:\/\/\S+)/.exec(err)
    if (m?.[1] !== undefined) inspectorUrl = m[1]
  })
  proc.stdout?.on('data', (d: Buffer) => {
    err += d.toString()
    if (err.length > 20_000) err = err.slice(-10_000)
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${kind} exited with ${proc.exitCode}: ${err.slice(-2000)}`)
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      if (r.ok && (!opts.inspect || inspectorUrl !== undefined)) break
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL')
      throw new Error(`${kind} did not become healthy on ${port}: ${err.slice(-2000)}`)
    }
    await sleep(50)
  }
  const pid = proc.pid ?? 0
  const server: Server = { kind, port, url, proc, pid, stderr: () => err }
  if (inspectorUrl !== undefined) server.inspectorUrl = inspectorUrl
  return server
}

/** The TCP echo of the idle floor (src/servers/tcp-echo.ts), started and pinned like the contenders. */
export async function startEcho(): Promise<{ port: number; proc: ChildProcess }> {
  const port = await freePort()
  const proc = spawnPinned(
    [process.execPath, '--import', 'tsx', join(BENCH_DIR, 'src/servers/tcp-echo.ts'), '--port', String(port)],
    {
      env: {},
      cwd: BENCH_DIR,
      core: 0,
    },
  )
  let out = ''
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`tcp echo did not start: ${out}`)), 20_000)
    const seen = (d: Buffer) => {
      out += d.toString()
      if (out.includes('listening')) {
        clearTimeout(t)
        resolve()
      }
    }
    proc.stdout?.on('data', seen)
    proc.stderr?.on('data', seen)
    proc.once('exit', (code) => {
      clearTimeout(t)
      reject(new Error(`tcp echo exited with ${code}: ${out}`))
    })
  })
  return { port, proc }
}

export async function stopServer(
  s: Server,
  signal: NodeJS.Signals = 'SIGTERM',
  killAfterMs = 10_000,
): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return
  const exited = new Promise<void>((resolve) => s.proc.once('exit', () => resolve()))
  s.proc.kill(signal)
  const t = setTimeout(() => s.proc.kill('SIGKILL'), killAfterMs)
  await exited
  clearTimeout(t)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/**
 * CPU time a process has used so far, in ms: the sum of its threads' on-CPU time from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds), else user + system from /proc/<pid>/stat (10 ms ticks).
 */
export function cpuMs(pid: number): number {
  try {
    let ns = 0
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    }
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6
  } catch {
    // fall through to /proc/<pid>/stat
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // fields[11] = utime, fields[12] = stime (clock ticks, 100 per second)
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return Number.NaN
  }
}

export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m?.[1] !== undefined ? Number(m[1]) * 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

/** Forces a full GC in the server through its inspector, then reads heap used and RSS. */
export async function memoryAfterGc(s: {
  pid: number
  inspectorUrl?: string | undefined
}): Promise<{ rss: number; heapUsed: number }> {
  if (s.inspectorUrl === undefined) throw new Error('server was not started with inspect')
  const ws = new WebSocket(s.inspectorUrl, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let next = 1
  const pending = new Map<number, (r: unknown) => void>()
  ws.on('message', (d) => {
    const msg = JSON.parse(d.toString()) as { id?: number; result?: unknown }
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result)
  })
  const call = (method: string) =>
    new Promise<unknown>((resolve) => {
      const id = next++
      pending.set(id, resolve)
      ws.send(JSON.stringify({ id, method }))
    })
  await call('HeapProfiler.collectGarbage')
  await call('HeapProfiler.collectGarbage')
  const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number }
  ws.close()
  return { rss: rssBytes(s.pid), heapUsed: usage.usedSize }
}
