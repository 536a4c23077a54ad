import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tokenFor } from './backend-client.js'
import { freePort, until } from './relay.js'

export const BACKEND_DIR = fileURLToPath(new URL('../../../backend/', import.meta.url))
const BACKEND_SERVER = join(BACKEND_DIR, 'dist', 'server.js')

/** Builds apps/backend when its build is missing (it is not a dependency of the relay's build). */
export function ensureBackendBuilt(): void {
  if (existsSync(BACKEND_SERVER)) return
  execFileSync('pnpm', ['--filter', '@pp/backend', 'build'], {
    cwd: BACKEND_DIR,
    stdio: 'ignore',
    timeout: 240_000,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/dev/null' },
  })
}

export type BackendProcess = {
  api: string
  /** Its API token, from the 0600 file it writes beside its database at first start. */
  apiToken: string
  url: string
  output: () => string
  stop: () => Promise<void>
}

/** Starts a real backend (apps/backend/dist/server.js) with its own SQLite file in a temp folder. */
export async function startBackend(opts: {
  user: { id: string; displayName: string }
  relayUrls: string[]
}): Promise<BackendProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-collab-backend-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(process.execPath, [BACKEND_SERVER], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: `file:${join(dir, 'user.db')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      BACKEND_USER_ID: opts.user.id,
      BACKEND_DISPLAY_NAME: opts.user.displayName,
      BACKEND_URL: url,
      COLLABORATION_SERVICE_URL: opts.relayUrls.join(','),
      ENABLE_COLLABORATION: 'true',
      COLLAB_TOKEN: await tokenFor(opts.user, { ttlSeconds: 86_400 }),
      USE_MOCK_SCHWAB_DATA: 'true',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(killer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await until(
      'the backend to answer /health',
      async () => {
        if (child.exitCode !== null) throw new Error(`backend exited:\n${out}`)
        try {
          return (await fetch(`${url}/health`)).ok
        } catch {
          return false
        }
      },
      60_000,
    )
  } catch (err) {
    await stop()
    throw err
  }
  const apiToken = readFileSync(join(dir, 'user.api-token'), 'utf8').trim()
  return { api: `${url}/api/v1`, apiToken, url, output: () => out, stop }
}

/** A small REST client for a backend's `/api/v1`. */
export function rest(api: string, apiToken: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`)
    return (text.length > 0 ? JSON.parse(text) : undefined) as T
  }
  return { call, get: <T>(path: string) => call<T>('GET', path) }
}
