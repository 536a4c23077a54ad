import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { freePort, spawnService } from '@pp/test-kit'
import { tokenFor } from './backend-client.js'

/** apps/backend, found as the declared dev dependency `@pp/backend` (built before this package by `pnpm build`). */
export const BACKEND_DIR = dirname(createRequire(import.meta.url).resolve('@pp/backend/package.json'))
const BACKEND_SERVER = join(BACKEND_DIR, 'dist', 'server.js')

/** Fails with what to run when the backend's build is missing. */
export function ensureBackendBuilt(): void {
  if (!existsSync(BACKEND_SERVER)) throw new Error(`${BACKEND_SERVER} is missing: run \`pnpm build\` first`)
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
  const backend = await spawnService({
    name: 'the backend',
    args: [BACKEND_SERVER],
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
    healthUrl: `${url}/health`,
    timeoutMs: 60_000,
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true })
    throw err
  })
  const stop = async () => {
    await backend.stop('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
  const apiToken = readFileSync(join(dir, 'user.api-token'), 'utf8').trim()
  return { api: `${url}/api/v1`, apiToken, url, output: backend.output, stop }
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
