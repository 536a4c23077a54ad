import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { onPostgres, schemaFor } from '../test-support/database.js'
import { localBackend, tempDir, testConfig } from '../test-support/temp.js'
import { apiTokenPath, loadApiToken } from './api-token.js'

describe('the generated API token file', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('lives in DATA_DIR (beside the SQLite file by default), is 0600, and is reused by later starts', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const db = join(t.dir, 'portfolio_user_a.db')
    // BACKEND_API_TOKEN '' counts as unset: the backend makes its own.
    const env = { BACKEND_API_TOKEN: '' }
    const path = apiTokenPath(testConfig(db, env))
    // Named after the database: the file's name, or on PostgreSQL the database and schema.
    const name = onPostgres() ? `pp.${schemaFor(db)}` : 'portfolio_user_a'
    expect(path).toBe(join(t.dir, `${name}.api-token`))

    const first = await localBackend(db, env)
    await first.app.close()
    const token = readFileSync(path, 'utf8').trim()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    const me = (b: Awaited<ReturnType<typeof localBackend>>) =>
      b.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })

    const second = await localBackend(db, env)
    expect((await me(second)).statusCode).toBe(200)
    await second.app.close()
    expect(readFileSync(path, 'utf8').trim()).toBe(token)
  })

  it('takes BACKEND_API_TOKEN over the file, tightens a loosened file, replaces an empty one', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const db = join(t.dir, 'b.db')
    expect(loadApiToken(testConfig(db, { BACKEND_API_TOKEN: 'from-the-environment-123' }))).toEqual({
      token: 'from-the-environment-123',
      source: 'env',
      path: null,
    })
    const config = testConfig(db, { BACKEND_API_TOKEN: '' })
    const path = apiTokenPath(config)
    writeFileSync(path, 'hand-written-token-abcdef\n')
    chmodSync(path, 0o644)
    expect(loadApiToken(config)).toMatchObject({ token: 'hand-written-token-abcdef', source: 'file' })
    expect(statSync(path).mode & 0o777).toBe(0o600)
    writeFileSync(path, '')
    const fresh = loadApiToken(config)
    expect(fresh.source).toBe('generated')
    expect(readFileSync(path, 'utf8').trim()).toBe(fresh.token)
  })
})
