import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EnvError } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import { configFrom, databasePath } from './config.js'

const good = {
  DATABASE_URL: 'sqlite:///./portfolio_user_a.db',
  BACKEND_USER_ID: '00000000-0000-0000-0000-000000000001',
  BACKEND_DISPLAY_NAME: 'User A',
}

describe('config from env', () => {
  it('accepts the guide’s .env as written', () => {
    const c = configFrom({
      ...good,
      SECRET_KEY: 'dev-secret-key-user-a',
      ENCRYPTION_KEY: 'dev-encryption-key-user-a',
      CORS_ORIGINS: 'http://localhost:3000',
      USE_MOCK_SCHWAB_DATA: 'true',
      LOG_LEVEL: 'INFO',
      ENABLE_COLLABORATION: 'true',
      COLLABORATION_SERVICE_URL: 'http://localhost:9000',
      BACKEND_URL: 'http://localhost:8000',
    })
    expect(c.DATABASE_URL).toBe('file:./portfolio_user_a.db')
    expect(databasePath(c.DATABASE_URL)).toBe('./portfolio_user_a.db')
    expect(c.LOG_LEVEL).toBe('info')
    expect(c.CORS_ORIGINS).toEqual(['http://localhost:3000'])
    expect(c.COLLABORATION_SERVICE_URL).toEqual(['http://localhost:9000'])
    expect(c.usesDevSecret).toBe(true)
  })

  it('names every bad variable on its own line', () => {
    try {
      configFrom({ BACKEND_USER_ID: 'nope', PORT: 'x', USE_MOCK_SCHWAB_DATA: 'maybe' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError)
      const lines = (err as EnvError).lines
      expect(lines.map((l) => l.split(':')[0]).sort()).toEqual(
        ['BACKEND_DISPLAY_NAME', 'BACKEND_USER_ID', 'DATABASE_URL', 'PORT', 'USE_MOCK_SCHWAB_DATA'].sort(),
      )
    }
  })

  it('takes a comma-separated list of relay URLs', () => {
    const c = configFrom({ ...good, COLLABORATION_SERVICE_URL: 'http://a:9000, http://b:9001' })
    expect(c.COLLABORATION_SERVICE_URL).toEqual(['http://a:9000', 'http://b:9001'])
  })

  it('refuses the development secret in production, whatever the case of NODE_ENV', () => {
    for (const NODE_ENV of ['production', 'Production', 'PRODUCTION'])
      expect(() => configFrom({ ...good, NODE_ENV })).toThrow(/COLLAB_TOKEN: is required/)
    expect(configFrom({ ...good, NODE_ENV: 'Production', COLLAB_TOKEN: 'x.y.z' }).usesDevSecret).toBe(false)
  })

  it('refuses to hold the relay secret: a backend gets its own token only', () => {
    expect(() => configFrom({ ...good, COLLAB_JWT_SECRET: 'x'.repeat(40) })).toThrow(
      /COLLAB_JWT_SECRET: a backend never holds/,
    )
  })

  it('binds loopback unless HOST says otherwise', () => {
    expect(configFrom(good).HOST).toBe('127.0.0.1')
    expect(configFrom({ ...good, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0')
  })

  it('takes any ENCRYPTION_KEY in development; production wants 16 characters or more', () => {
    expect(configFrom({ ...good, ENCRYPTION_KEY: 'k' }).ENCRYPTION_KEY).toBe('k')
    expect(configFrom({ ...good, ENCRYPTION_KEY: '' }).ENCRYPTION_KEY).toBeUndefined()
    const prod = { ...good, NODE_ENV: 'Production', COLLAB_TOKEN: 'x.y.z' }
    try {
      configFrom({ ...prod, ENCRYPTION_KEY: 'dev-encryption' })
      expect.unreachable()
    } catch (err) {
      expect((err as EnvError).lines).toEqual([
        'ENCRYPTION_KEY: must be at least 16 characters when NODE_ENV=production',
      ])
    }
    expect(configFrom({ ...prod, ENCRYPTION_KEY: 'dev-encryption-key-user-a' }).ENCRYPTION_KEY).toBe(
      'dev-encryption-key-user-a',
    )
    expect(configFrom(prod).ENCRYPTION_KEY).toBeUndefined()
  })

  it('TLS_CERT_FILE and TLS_KEY_FILE both or neither; COLLAB_CA_FILE read at start; one line each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-backend-tls-'))
    const pem = join(dir, 'x.pem')
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n')
    const linesOf = (env: Record<string, string>) => {
      try {
        configFrom({ ...good, ...env })
        return []
      } catch (err) {
        expect(err).toBeInstanceOf(EnvError)
        return (err as EnvError).lines
      }
    }
    const c = configFrom({ ...good, TLS_CERT_FILE: pem, TLS_KEY_FILE: pem, COLLAB_CA_FILE: pem })
    expect(c.tls?.cert).toContain('BEGIN CERTIFICATE')
    expect(c.collabCa).toContain('BEGIN CERTIFICATE')
    expect(configFrom(good).tls).toBeUndefined()
    expect(linesOf({ TLS_KEY_FILE: pem })).toEqual([
      'TLS_CERT_FILE: is required when TLS_KEY_FILE is set (set both or neither)',
    ])
    expect(linesOf({ COLLAB_CA_FILE: join(dir, 'none.pem') })).toEqual([
      `COLLAB_CA_FILE: cannot read ${join(dir, 'none.pem')} (ENOENT)`,
    ])
  })
})
