import { join } from 'node:path'
import { sessionCookieName } from '@pp/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { liveAdmitted, liveClient, rawRequest, rest } from '../test-support/clients.js'
import { listeningBackend, TEST_API_TOKEN, tempDir, USER_A } from '../test-support/temp.js'

type Listening = Awaited<ReturnType<typeof listeningBackend>>

/** The session cookie's `name=value` from a Set-Cookie answer. */
function cookieOf(setCookie: string | string[] | undefined): string {
  const line = Array.isArray(setCookie) ? setCookie[0] : setCookie
  return (line ?? '').split(';')[0] ?? ''
}

describe('a backend answers only its signed-in user', () => {
  let b: Listening
  let dir = ''
  let cleanup = () => {}

  beforeEach(async () => {
    const t = tempDir()
    cleanup = t.cleanup
    dir = t.dir
    b = await listeningBackend(join(dir, 'a.db'))
  })
  afterEach(async () => {
    await b.app.close()
    cleanup()
  })

  it('answers bare REST requests 401 in the error shape; /health stays open', async () => {
    for (const path of [
      '/me',
      '/positions',
      '/ideas',
      '/friends',
      '/notifications',
      '/collab/status',
      '/nope',
    ]) {
      const a = await rest(b.api).call('GET', path)
      expect(a.status, path).toBe(401)
      expect(a.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' })
    }
    expect(
      (await rest(b.api).call('POST', '/ideas', { symbol: 'A', strategy: 'Stock', status: 'Open' })).status,
    ).toBe(401)
    expect((await rest(b.api).call('POST', '/auth/sign-in-codes')).status).toBe(401)
    expect((await rest(b.api, 'not-the-token-at-all').call('GET', '/me')).status).toBe(401)
    expect((await fetch(`${b.url}/health`)).status).toBe(200)
    expect((await fetch(`${b.api}/health`)).status).toBe(200)
    expect(await rest(b.api).get('/auth/session')).toEqual({ signedIn: false, authRequired: true })
  })

  it('takes the API token as a Bearer header, for REST and socket.io', async () => {
    expect(await rest(b.api, TEST_API_TOKEN).get('/me')).toMatchObject(USER_A)
    expect(await rest(b.api, TEST_API_TOKEN).get('/auth/session')).toEqual({
      signedIn: true,
      authRequired: true,
    })
    const live = await liveClient(b.url, TEST_API_TOKEN)
    live.close()
  })

  it('refuses a socket.io client without credentials (connect_error)', async () => {
    await expect(liveClient(b.url)).rejects.toThrow()
    expect(await liveAdmitted(b.url, { authorization: 'Bearer wrong-token-wrong-token' })).toBe(false)
    expect(await liveAdmitted(b.url, { cookie: `${sessionCookieName(USER_A.id)}=${'x'.repeat(43)}` })).toBe(
      false,
    )
  })

  it('exchanges a sign-in code once for a session cookie that works for REST and socket.io', async () => {
    const issued = await rest(b.api, TEST_API_TOKEN).ok<{ code: string; expiresAt: string }>(
      'POST',
      '/auth/sign-in-codes',
    )
    const day = Date.parse(issued.expiresAt) - Date.now()
    expect(day).toBeGreaterThan(23.9 * 3600_000)
    expect(day).toBeLessThanOrEqual(24 * 3600_000)

    const signIn = (code: string) =>
      rawRequest(`${b.api}/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: b.url },
        body: JSON.stringify({ code }),
      })
    const first = await signIn(issued.code)
    expect(first.status).toBe(204)
    const setCookie = String(first.headers['set-cookie'])
    expect(setCookie).toMatch(new RegExp(`^${sessionCookieName(USER_A.id)}=[A-Za-z0-9_-]{43};`))
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect(setCookie).toContain('Path=/')
    const cookie = cookieOf(first.headers['set-cookie'])

    const me = await rawRequest(`${b.api}/me`, { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(JSON.parse(me.body)).toMatchObject(USER_A)
    expect(await liveAdmitted(b.url, { cookie })).toBe(true)
    // Another backend's cookie on the same host (another name) changes nothing here.
    expect(await liveAdmitted(b.url, { cookie: `pp_session_other=${cookie.split('=')[1]}` })).toBe(false)

    // The code worked once.
    const again = await signIn(issued.code)
    expect(again.status).toBe(401)
    expect(JSON.parse(again.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized', field: 'code' })
    expect((await signIn('never-issued')).status).toBe(401)

    // Signing out ends the session: the same cookie no longer works.
    const out = await rawRequest(`${b.api}/auth/session`, {
      method: 'DELETE',
      headers: { cookie, origin: b.url },
    })
    expect(out.status).toBe(204)
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0')
    expect((await rawRequest(`${b.api}/me`, { headers: { cookie } })).status).toBe(401)
    expect(await liveAdmitted(b.url, { cookie })).toBe(false)
  })

  it('keeps a session across a restart (sessions live in the database)', async () => {
    const { code } = await rest(b.api, TEST_API_TOKEN).ok<{ code: string }>('POST', '/auth/sign-in-codes')
    const first = await rawRequest(`${b.api}/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    })
    const cookie = cookieOf(first.headers['set-cookie'])
    await b.app.close()
    b = await listeningBackend(join(dir, 'a.db'))
    expect((await rawRequest(`${b.api}/me`, { headers: { cookie } })).status).toBe(200)
  })
})
