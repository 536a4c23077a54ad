import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TokenAudience } from '@pp/contracts'
import { verifyKeysFromText, verifyToken } from '@pp/contracts/tokens'
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

  it('refuses a bad user id or a blank name, and mints a token without a name', () => {
    const r = run(['--user', 'alice', '--name', '  '])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('--user: must be a uuid')
    expect(r.stderr).toContain('--name:')
    expect(r.stdout).toBe('')
    const anonymous = run(['--user', '00000000-0000-0000-0000-000000000001'])
    expect(anonymous.status).toBe(0)
    const payload = JSON.parse(
      Buffer.from(anonymous.stdout.trim().split('.')[1] ?? '', 'base64url').toString('utf8'),
    )
    expect(payload.sub).toBe('00000000-0000-0000-0000-000000000001')
    expect(payload.name).toBeUndefined()
  })

  it('generates a key pair (private 0600) and mints EdDSA backend and session tokens with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-token-'))
    const key = join(dir, 'relay-key.pem')
    expect(run(['--generate-key', key]).status).toBe(0)
    expect(statSync(key).mode & 0o777).toBe(0o600)
    const keys = verifyKeysFromText(readFileSync(`${key}.pub`, 'utf8'))
    const backend = run(['--key', key, '--user', '00000000-0000-0000-0000-000000000001', '--name', 'User A'])
    expect(backend.status).toBe(0)
    const b = await verifyToken(backend.stdout.trim(), keys, TokenAudience.BACKEND)
    expect(b.ok && b.payload.sub).toBe('00000000-0000-0000-0000-000000000001')
    expect(b.ok && Number(b.payload.exp) - Number(b.payload.iat)).toBe(30 * 86_400)
    const session = run(['--key', key, '--session-user', 'alice', '--sessions', 'room-1,room-2'])
    expect(session.status).toBe(0)
    const s = await verifyToken(session.stdout.trim(), keys, TokenAudience.SESSION)
    expect(s.ok && s.payload.sessions).toEqual(['room-1', 'room-2'])
    // Each audience only: a backend token is no session token.
    expect((await verifyToken(backend.stdout.trim(), keys, TokenAudience.SESSION)).ok).toBe(false)
    // A second --generate-key never overwrites a key.
    expect(run(['--generate-key', key]).status).toBe(1)
  })

  it('refuses a backend token longer than 30 days, and HS256 without a key in production', () => {
    const long = run(['--user', '00000000-0000-0000-0000-000000000001', '--name', 'A', '--ttl', '31d'])
    expect(long.status).toBe(1)
    expect(long.stderr).toContain('at most 30d')
    const prod = run(['--user', '00000000-0000-0000-0000-000000000001', '--name', 'A'], {
      NODE_ENV: 'Production',
    })
    expect(prod.status).toBe(1)
    expect(prod.stdout).toBe('')
  })
})
