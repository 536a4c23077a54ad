import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

/** apps/collab */
export const COLLAB_DIR = fileURLToPath(new URL('../../../', import.meta.url))

export type RelayProcess = {
  port: number
  url: string
  wsUrl: string
  output: () => string
  stop: () => Promise<void>
}

/** A free TCP port on 127.0.0.1 (asked from the OS). */
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

/** Polls `check` every `everyMs` until it returns a value other than undefined, or fails after `limitMs`. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  limitMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/**
 * Starts the relay as a real process (`node --import tsx src/server.ts --port P`) and waits until
 * `GET /health` answers. `stop` sends SIGINT (Ctrl+C) and waits for the exit.
 */
export async function startRelay(
  env: Record<string, string> = {},
  port?: number,
  args: string[] = [],
): Promise<RelayProcess> {
  const chosen = port ?? (await freePort())
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/server.ts', '--port', String(chosen), '--host', '127.0.0.1', ...args],
    {
      cwd: COLLAB_DIR,
      env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let gone = false
  void exited.then(() => {
    gone = true
  })
  const url = `http://127.0.0.1:${chosen}`
  const stop = async () => {
    if (gone) return
    child.kill('SIGINT')
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(killer)
  }
  try {
    await pollUntil('the relay to answer /health', async () => {
      if (gone) throw new Error(`relay exited early:\n${out}`)
      try {
        const res = await fetch(`${url}/health`)
        return res.ok ? true : undefined
      } catch {
        return undefined
      }
    })
  } catch (err) {
    await stop()
    throw err
  }
  return { port: chosen, url, wsUrl: `ws://127.0.0.1:${chosen}`, output: () => out, stop }
}
