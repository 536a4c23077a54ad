import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BackendApp } from '../app.js'
import { RATE_LIMITS } from '../plugins/app/security.js'
import { CODE_GUESSES_PER_MIN } from '../routes/auth.js'
import { AUTH_HEADER, localBackend, tempDir } from '../test-support/temp.js'

describe('rate limits', () => {
  let b: BackendApp
  let cleanup = () => {}
  beforeEach(async () => {
    const t = tempDir()
    cleanup = t.cleanup
    b = await localBackend(join(t.dir, 'a.db'))
  })
  afterEach(async () => {
    await b.app.close()
    cleanup()
  })

  const exchange = (code: string) =>
    b.app.inject({ method: 'POST', url: '/api/v1/auth/session', payload: { code } })

  it('answer 429 in the error shape after ten wrong sign-in codes a minute; right codes do not count', async () => {
    // Successful sign-ins never use up the allowance.
    for (let i = 0; i < CODE_GUESSES_PER_MIN + 2; i++) {
      const { code } = await b.auth.store.createCode()
      expect((await exchange(code)).statusCode).toBe(204)
    }
    for (let i = 0; i < CODE_GUESSES_PER_MIN; i++) expect((await exchange(`guess-${i}`)).statusCode).toBe(401)
    const limited = await exchange('guess-again')
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    // Even a right code waits now: guessing cannot go on in parallel with a real sign-in.
    const { code } = await b.auth.store.createCode()
    expect((await exchange(code)).statusCode).toBe(429)
  })

  it('let a signed-in user through where callers without credentials are stopped', async () => {
    for (let i = 0; i < RATE_LIMITS.anonymousPerMin; i++) {
      const a = await b.app.inject({ method: 'GET', url: '/api/v1/me' })
      if (a.statusCode !== 401) throw new Error(`request ${i}: ${a.statusCode}`)
    }
    const stopped = await b.app.inject({ method: 'GET', url: '/api/v1/me' })
    expect(stopped.statusCode).toBe(429)
    expect(stopped.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' })
    expect((await b.app.inject({ method: 'GET', url: '/api/v1/me', headers: AUTH_HEADER })).statusCode).toBe(
      200,
    )
    expect((await b.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
  })
})
