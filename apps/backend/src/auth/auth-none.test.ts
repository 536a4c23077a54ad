import { join } from 'node:path'
import { EnvError } from '@pp/contracts'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../app.js'
import { tempDir, testConfig } from '../test-support/temp.js'

describe('BACKEND_AUTH=none', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('is refused on a non-loopback HOST with one clear line', () => {
    for (const HOST of ['0.0.0.0', '::', '192.168.1.20']) {
      try {
        testConfig('/tmp/x.db', { BACKEND_AUTH: 'none', HOST })
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(EnvError)
        expect((err as EnvError).lines).toEqual([
          `BACKEND_AUTH: none is allowed only on a loopback HOST (HOST is ${HOST}); remove BACKEND_AUTH or bind 127.0.0.1`,
        ])
      }
    }
    expect(testConfig('/tmp/x.db', { BACKEND_AUTH: 'none', HOST: '::1' }).BACKEND_AUTH).toBe('none')
    expect(testConfig('/tmp/x.db', { HOST: '0.0.0.0' }).BACKEND_AUTH).toBe('token')
  })

  it('on loopback answers without sign-in, with a warning, and keeps the browser checks', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const lines: string[] = []
    const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) })
    const b = await buildApp(
      testConfig(join(t.dir, 'a.db'), { BACKEND_AUTH: 'none', BACKEND_API_TOKEN: '' }),
      log,
    )
    try {
      expect((await b.app.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200)
      expect((await b.app.inject({ method: 'GET', url: '/api/v1/auth/session' })).json()).toEqual({
        signedIn: true,
        authRequired: false,
      })
      const foreign = await b.app.inject({
        method: 'POST',
        url: '/api/v1/ideas',
        headers: { origin: 'http://evil.example' },
        payload: { symbol: 'AAPL', strategy: 'Stock', status: 'Open' },
      })
      expect(foreign.statusCode).toBe(403)
      expect(lines.join('')).toContain('BACKEND_AUTH=none: sign-in is off')
    } finally {
      await b.app.close()
    }
  })
})
