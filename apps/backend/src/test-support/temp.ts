import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { buildApp } from '../app.js'
import { type Config, configFrom } from '../config.js'
import { testDatabaseEnv } from './database.js'

export const USER_A = { id: '00000000-0000-0000-0000-000000000001', displayName: 'User A' }
export const USER_B = { id: '00000000-0000-0000-0000-000000000002', displayName: 'User B' }
export const USER_C = { id: '00000000-0000-0000-0000-000000000003', displayName: 'User C' }

/** A temporary folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pp-backend-'))
  // PP_KEEP_TMP=1 keeps databases and logs for a look after the run.
  return {
    dir,
    cleanup: () =>
      process.env.PP_KEEP_TMP === '1' ? undefined : rmSync(dir, { recursive: true, force: true }),
  }
}

/** The API token of in-process test backends (testConfig), and the header that carries it. */
export const TEST_API_TOKEN = 'test-api-token-0123456789abcdef'
export const AUTH_HEADER = { authorization: `Bearer ${TEST_API_TOKEN}` }

/** An in-process backend's config: its database is `dbPath`, or a schema named after it on the Postgres run. */
export function testConfig(dbPath: string, env: Record<string, string> = {}): Config {
  return configFrom({
    ...testDatabaseEnv(dbPath),
    BACKEND_USER_ID: USER_A.id,
    BACKEND_DISPLAY_NAME: USER_A.displayName,
    ENABLE_COLLABORATION: 'false',
    LOG_LEVEL: 'silent',
    BACKEND_API_TOKEN: TEST_API_TOKEN,
    ...env,
  })
}

/** An in-process backend (no relay link) on a temp database. */
export async function localBackend(dbPath: string, env: Record<string, string> = {}) {
  const config = testConfig(dbPath, env)
  return buildApp(config, pino({ level: 'silent' }))
}

/** An in-process backend listening on 127.0.0.1 at a free port (where real HTTP headers matter). */
export async function listeningBackend(dbPath: string, env: Record<string, string> = {}) {
  const b = await localBackend(dbPath, env)
  await b.app.listen({ port: 0, host: '127.0.0.1' })
  const address = b.app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const url = `http://127.0.0.1:${port}`
  return Object.assign(b, { port, url, api: `${url}/api/v1` })
}
