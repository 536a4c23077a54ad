import { spawnSync } from 'node:child_process'
import { createPublicKey } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EnvError } from '@pp/contracts'
import { generateSigningKeyPair } from '@pp/contracts/tokens'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'
import { COLLAB_DIR } from './test-support/relay.js'

/** The lines a configuration is refused with ([] when it is accepted). */
const lines = (env: Record<string, string>) => {
  try {
    loadConfig([], env)
    return []
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError)
    return (err as EnvError).lines
  }
}

describe('configuration', () => {
  it('uses the defaults, flags over env, and the development secret without COLLAB_JWT_SECRET', () => {
    const c = loadConfig(['--port', '9100', '--host', '127.0.0.1', '--debug'], { PORT: '9200' })
    expect(c.PORT).toBe(9100)
    expect(c.HOST).toBe('127.0.0.1')
    expect(c.LOG_LEVEL).toBe('debug')
    expect(c.usingDevSecret).toBe(true)
    expect(c.verifyKeys.map((k) => k.alg)).toEqual(['HS256'])
    expect(c.MAX_PAYLOAD_BYTES).toBe(1024 * 1024)
    expect(c.HEARTBEAT_MS).toBe(25_000)
  })

  it('names every bad variable on its own line', () => {
    try {
      loadConfig([], { PORT: 'abc', RATE_LIMIT_PER_SEC: '-1', REDIS_URL: 'http://x' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError)
      const lines = (err as EnvError).lines
      expect(lines.map((l) => l.split(':')[0]).sort()).toEqual(['PORT', 'RATE_LIMIT_PER_SEC', 'REDIS_URL'])
    }
  })

  it('binds loopback by default', () => {
    expect(loadConfig([], {}).HOST).toBe('127.0.0.1')
    expect(loadConfig([], {}).loopbackOnly).toBe(true)
  })

  it('refuses to start in production, in any case of NODE_ENV, without a key or a strong secret', () => {
    for (const NODE_ENV of ['production', 'Production', 'PRODUCTION ']) {
      expect(() => loadConfig([], { NODE_ENV })).toThrow(/COLLAB_JWT_PUBLIC_KEY: is required/)
      // The development secret, the .env.example placeholder and a 16-character secret.
      for (const secret of [
        'portfolio-planner-development-secret-do-not-use-in-production',
        'change-me-to-a-long-random-secret',
        '0123456789abcdef',
      ])
        expect(() => loadConfig([], { NODE_ENV, COLLAB_JWT_SECRET: secret })).toThrow(/COLLAB_JWT_SECRET: /)
    }
    expect(
      loadConfig([], { NODE_ENV: 'Production', COLLAB_JWT_SECRET: 'a'.repeat(16) + 'b'.repeat(16) })
        .production,
    ).toBe(true)
  })

  it('verifies with the public key file of COLLAB_JWT_PUBLIC_KEY, and refuses a private key there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-relay-config-'))
    const pair = generateSigningKeyPair()
    writeFileSync(join(dir, 'k.pub'), pair.publicPem)
    writeFileSync(join(dir, 'k.pem'), pair.privatePem)
    const c = loadConfig([], { NODE_ENV: 'production', COLLAB_JWT_PUBLIC_KEY: join(dir, 'k.pub') })
    expect(c.verifyKeys.map((k) => k.alg)).toEqual(['EdDSA'])
    expect(c.usingDevSecret).toBe(false)
    expect(() => loadConfig([], { COLLAB_JWT_PUBLIC_KEY: join(dir, 'k.pem') })).toThrow(/private key/)
    expect(() => loadConfig([], { COLLAB_JWT_PUBLIC_KEY: join(dir, 'missing.pub') })).toThrow(/no such file/)
    const jwk = createPublicKey(pair.publicPem).export({ format: 'jwk' })
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...jwk, kid: 'k1' }] }))
    const fromJwks = loadConfig([], { COLLAB_JWT_PUBLIC_KEY: join(dir, 'jwks.json') })
    expect(fromJwks.verifyKeys.map((k) => [k.alg, k.kid])).toEqual([['EdDSA', 'k1']])
  })

  it('refuses open session rooms on a non-loopback bind', () => {
    expect(() => loadConfig(['--host', '0.0.0.0'], {})).toThrow(/SESSION_AUTH: must be required/)
    expect(loadConfig(['--host', '0.0.0.0'], { SESSION_AUTH: 'required' }).loopbackOnly).toBe(false)
  })

  it('exits 1 with one line per bad variable when started with a bad env', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: COLLAB_DIR,
      env: { ...process.env, PORT: '70000', LOG_LEVEL: 'loud', COLLAB_JWT_SECRET: 'short' },
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(r.status).toBe(1)
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  '))
    expect(lines.map((l) => l.trim().split(':')[0]).sort()).toEqual([
      'COLLAB_JWT_SECRET',
      'LOG_LEVEL',
      'PORT',
    ])
  })

  it('TLS_CERT_FILE and TLS_KEY_FILE: both or neither, readable PEM files, one line each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-collab-tls-'))
    const cert = join(dir, 'cert.pem')
    const key = join(dir, 'key.pem')
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n')
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n')
    expect(loadConfig([], {}).tls).toBeUndefined()
    expect(loadConfig([], { TLS_CERT_FILE: cert, TLS_KEY_FILE: key }).tls).toEqual({
      cert: expect.stringContaining('BEGIN CERTIFICATE'),
      key: expect.stringContaining('BEGIN PRIVATE KEY'),
    })
    expect(lines({ TLS_CERT_FILE: cert })).toEqual([
      'TLS_KEY_FILE: is required when TLS_CERT_FILE is set (set both or neither)',
    ])
    expect(lines({ TLS_KEY_FILE: key })).toEqual([
      'TLS_CERT_FILE: is required when TLS_KEY_FILE is set (set both or neither)',
    ])
    expect(lines({ TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: key })).toEqual([
      `TLS_CERT_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
    ])
    writeFileSync(join(dir, 'empty.pem'), '')
    expect(lines({ TLS_CERT_FILE: cert, TLS_KEY_FILE: join(dir, 'empty.pem') })).toEqual([
      `TLS_KEY_FILE: ${join(dir, 'empty.pem')} is not a PEM file`,
    ])
  })

  it('OPERATOR_TOKEN_FILE: the operator token from a file (a compose secret), not both, 16+ characters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-collab-op-'))
    const file = join(dir, 'operator-token')
    writeFileSync(file, 'operator-token-from-a-file\n')
    expect(loadConfig([], { OPERATOR_TOKEN_FILE: file }).OPERATOR_TOKEN).toBe('operator-token-from-a-file')
    expect(loadConfig([], { OPERATOR_TOKEN: 'operator-token-from-env' }).OPERATOR_TOKEN).toBe(
      'operator-token-from-env',
    )
    expect(lines({ OPERATOR_TOKEN: 'operator-token-from-env', OPERATOR_TOKEN_FILE: file })).toEqual([
      'OPERATOR_TOKEN_FILE: set OPERATOR_TOKEN or OPERATOR_TOKEN_FILE, not both',
    ])
    expect(lines({ OPERATOR_TOKEN_FILE: join(dir, 'missing') })).toEqual([
      `OPERATOR_TOKEN_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
    ])
    writeFileSync(join(dir, 'short'), 'short\n')
    expect(lines({ OPERATOR_TOKEN_FILE: join(dir, 'short') })).toEqual([
      `OPERATOR_TOKEN_FILE: ${join(dir, 'short')} must hold at least 16 characters`,
    ])
  })
})
