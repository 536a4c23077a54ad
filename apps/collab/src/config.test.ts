import { spawnSync } from 'node:child_process'
import { DEV_JWT_SECRET } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'
import { COLLAB_DIR } from './test-support/relay.js'

describe('configuration', () => {
  it('uses the defaults, flags over env, and the development secret without COLLAB_JWT_SECRET', () => {
    const c = loadConfig(['--port', '9100', '--host', '127.0.0.1', '--debug'], { PORT: '9200' })
    expect(c.PORT).toBe(9100)
    expect(c.HOST).toBe('127.0.0.1')
    expect(c.LOG_LEVEL).toBe('debug')
    expect(c.jwtSecret).toBe(DEV_JWT_SECRET)
    expect(c.usingDevSecret).toBe(true)
    expect(c.MAX_PAYLOAD_BYTES).toBe(1024 * 1024)
    expect(c.HEARTBEAT_MS).toBe(25_000)
  })

  it('names every bad variable on its own line', () => {
    try {
      loadConfig([], { PORT: 'abc', RATE_LIMIT_PER_SEC: '-1', REDIS_URL: 'http://x' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const lines = (err as ConfigError).lines
      expect(lines.map((l) => l.split(':')[0]).sort()).toEqual(['PORT', 'RATE_LIMIT_PER_SEC', 'REDIS_URL'])
    }
  })

  it('refuses to start in production without COLLAB_JWT_SECRET', () => {
    expect(() => loadConfig([], { NODE_ENV: 'production' })).toThrow(/COLLAB_JWT_SECRET/)
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
})
