import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

/** apps/collab */
export const COLLAB_DIR = fileURLToPath(new URL('../../', import.meta.url))
export const TEST_SECRET = 'test-secret-0123456789abcdef'

export type Relay = {
  port: number
  url: string
  wsUrl: string
  pid: number
  output: () => string
  /** SIGINT (or the given signal) and wait for the exit; resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
  exited: Promise<number | null>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Polls `check` until it returns something other than undefined/false, or throws after `limitMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  limitMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Starts `src/server.ts` as a real process on a free port and waits for `GET /health`. */
export async function startRelay(env: Record<string, string> = {}, port?: number): Promise<Relay> {
  const chosen = port ?? (await freePort())
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/server.ts', '--port', String(chosen), '--host', '127.0.0.1'],
    {
      cwd: COLLAB_DIR,
      env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'test', COLLAB_JWT_SECRET: TEST_SECRET, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code
      resolve(code)
    }),
  )
  const url = `http://127.0.0.1:${chosen}`
  const stop = async (signal: NodeJS.Signals = 'SIGINT') => {
    if (exitCode !== undefined) return exitCode
    child.kill(signal)
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
    const code = await exited
    clearTimeout(killer)
    return code
  }
  try {
    await until('the relay to answer /health', async () => {
      if (exitCode !== undefined) throw new Error(`relay exited with ${exitCode}:\n${out}`)
      try {
        return (await fetch(`${url}/health`)).ok
      } catch {
        return false
      }
    })
  } catch (err) {
    await stop('SIGKILL')
    throw err
  }
  return {
    port: chosen,
    url,
    wsUrl: `ws://127.0.0.1:${chosen}`,
    pid: child.pid ?? 0,
    output: () => out,
    stop,
    exited,
  }
}
