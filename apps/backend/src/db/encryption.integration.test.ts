import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BACKEND_SERVER, freePort, Proc, stopAll } from '../test-support/processes.js'
import { tempDir, USER_A } from '../test-support/temp.js'
import { fileState } from './cipher.js'
import { openDatabase } from './client.js'

const REKEY = join(BACKEND_SERVER, '..', 'rekey.js')
const KEY = 'the first key of user a'
const NEW_KEY = 'the second key of user a'

/** The built backend, as `pnpm start` runs it, on `path`. */
async function backend(dir: string, path: string, env: Record<string, string>) {
  const port = await freePort()
  return new Proc(
    [BACKEND_SERVER],
    {
      DATABASE_URL: `file:${path}`,
      PORT: String(port),
      BACKEND_USER_ID: USER_A.id,
      BACKEND_DISPLAY_NAME: USER_A.displayName,
      ENABLE_COLLABORATION: 'false',
      USE_MOCK_SCHWAB_DATA: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    dir,
    join(dir, 'backend.log'),
    `http://127.0.0.1:${port}`,
  )
}

/** Runs a built entry point to its exit (no .env in `dir`). */
function run(script: string, dir: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, [script], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      BACKEND_USER_ID: USER_A.id,
      BACKEND_DISPLAY_NAME: USER_A.displayName,
      ENABLE_COLLABORATION: 'false',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('the built backend with ENCRYPTION_KEY', () => {
  const t = tempDir()
  afterAll(async () => {
    await stopAll()
    t.cleanup()
  })

  it('encrypts an old database on start, refuses a wrong key with one line, rotates with `rekey`', async () => {
    const path = join(t.dir, 'user_a.db')
    const seed = await openDatabase(path)
    await seed.db.tombstone.create({ data: { ideaId: 'old-row', reason: 'kept' } })
    await seed.db.$disconnect()

    const first = await backend(t.dir, path, { ENCRYPTION_KEY: KEY })
    await first.start()
    const log = readFileSync(join(t.dir, 'backend.log'), 'utf8')
    expect(log.split('\n').filter((l) => l.includes('"database encrypted"'))).toHaveLength(1)
    expect(fileState(path)).toBe('encrypted')

    // While it runs, the key cannot be rotated.
    const busy = run(REKEY, t.dir, {
      DATABASE_URL: `file:${path}`,
      ENCRYPTION_KEY: KEY,
      NEW_ENCRYPTION_KEY: NEW_KEY,
    })
    expect(busy.status).toBe(1)
    expect(busy.stderr).toBe(`ENCRYPTION_KEY: cannot rekey ${path}: it is in use (is its backend running?)\n`)
    await first.stop()

    for (const env of [{ ENCRYPTION_KEY: 'not the key' }, {}]) {
      const refused = run(BACKEND_SERVER, t.dir, { DATABASE_URL: `file:${path}`, PORT: '0', ...env })
      expect(refused.status).toBe(1)
      expect(refused.stderr.trim().split('\n')).toHaveLength(1)
      expect(refused.stderr).toMatch(/^ENCRYPTION_KEY: (cannot open .*: wrong key|is needed to open)/)
    }

    const rotated = run(REKEY, t.dir, {
      DATABASE_URL: `file:${path}`,
      ENCRYPTION_KEY: KEY,
      NEW_ENCRYPTION_KEY: NEW_KEY,
    })
    expect(rotated.stderr).toBe('')
    expect(rotated.status).toBe(0)
    expect(rotated.stdout).toMatch(/re-encrypted/)
    const old = run(BACKEND_SERVER, t.dir, { DATABASE_URL: `file:${path}`, PORT: '0', ENCRYPTION_KEY: KEY })
    expect(old.stderr).toMatch(/^ENCRYPTION_KEY: cannot open .*: wrong key or not an encrypted database\n$/)

    const second = await backend(t.dir, path, { ENCRYPTION_KEY: NEW_KEY })
    await second.start()
    await second.stop()
    const { db } = await openDatabase(path, { key: NEW_KEY })
    expect(await db.tombstone.findMany({ select: { ideaId: true, reason: true } })).toEqual([
      { ideaId: 'old-row', reason: 'kept' },
    ])
    await db.$disconnect()
  })

  it('refuses a short key in production with one line', () => {
    const r = run(BACKEND_SERVER, t.dir, {
      DATABASE_URL: `file:${join(t.dir, 'prod.db')}`,
      NODE_ENV: 'PRODUCTION',
      ENCRYPTION_KEY: 'dev-key',
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toBe('ENCRYPTION_KEY: must be at least 16 characters when NODE_ENV=production\n')
  })
})
