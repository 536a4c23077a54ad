import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../app.js'
import { AUTH_HEADER, tempDir, testConfig } from '../test-support/temp.js'

describe('the sign-in link printed at start', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('is logged as "sign in at <web url>/?code=…" and signs a browser in once', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const lines: string[] = []
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(l) })
    const b = await buildApp(
      testConfig(join(t.dir, 'a.db'), { BACKEND_WEB_URL: 'http://localhost:3000', LOG_LEVEL: 'info' }),
      log,
    )
    try {
      await b.app.ready()
      const line = lines
        .map((l) => JSON.parse(l) as { msg: string })
        .find((l) => l.msg.startsWith('sign in at '))
      expect(line?.msg).toMatch(/^sign in at http:\/\/localhost:3000\/\?code=[A-Za-z0-9_-]{32}$/)
      const code = new URL(line?.msg.slice('sign in at '.length) ?? '').searchParams.get('code') ?? ''
      const exchange = () => b.app.inject({ method: 'POST', url: '/api/v1/auth/session', payload: { code } })
      expect((await exchange()).statusCode).toBe(204)
      expect((await exchange()).statusCode).toBe(401)
      // The code route hands out links to the same web URL.
      const issued = await b.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in-codes',
        headers: AUTH_HEADER,
      })
      expect(issued.statusCode).toBe(201)
      expect(issued.json().signInUrl).toBe(`http://localhost:3000/?code=${issued.json().code}`)
    } finally {
      await b.app.close()
    }
  })

  it('is not logged when the backend does not know its web URL', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const lines: string[] = []
    const b = await buildApp(
      testConfig(join(t.dir, 'a.db'), { LOG_LEVEL: 'info' }),
      pino({ level: 'info' }, { write: (l: string) => lines.push(l) }),
    )
    await b.app.ready()
    await b.app.close()
    expect(lines.some((l) => l.includes('sign in at'))).toBe(false)
  })
})
