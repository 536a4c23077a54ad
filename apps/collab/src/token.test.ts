import { spawnSync } from 'node:child_process'
import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { COLLAB_DIR, TEST_SECRET } from './test-support/relay.js'

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/token.ts', ...args], {
    cwd: COLLAB_DIR,
    env: { ...process.env, COLLAB_JWT_SECRET: TEST_SECRET, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  })

describe('token command', () => {
  it('prints an HS256 token with sub, name and exp', async () => {
    const r = run(['--user', '00000000-0000-0000-0000-000000000001', '--name', 'User A', '--ttl', '2h'])
    expect(r.status).toBe(0)
    const token = r.stdout.trim()
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(TEST_SECRET))
    expect(protectedHeader.alg).toBe('HS256')
    expect(payload.sub).toBe('00000000-0000-0000-0000-000000000001')
    expect(payload.name).toBe('User A')
    const ttl = Number(payload.exp) - Number(payload.iat)
    expect(ttl).toBe(7200)
  })

  it('refuses a bad user id or a missing name', () => {
    const r = run(['--user', 'alice'])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('--user: must be a uuid')
    expect(r.stderr).toContain('--name: is required')
    expect(r.stdout).toBe('')
  })
})
