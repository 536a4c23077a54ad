import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { liveAdmitted, rawRequest } from '../test-support/clients.js'
import { AUTH_HEADER, listeningBackend, tempDir } from '../test-support/temp.js'

type Listening = Awaited<ReturnType<typeof listeningBackend>>

const WEB = 'http://localhost:3000'
const EVIL = 'http://evil.example'
const FRIEND = { userId: '00000000-0000-0000-0000-000000000002' }
let n = 10
/** A friend request to a new user id each time, so every accepted one answers 201. */
const newFriend = () => JSON.stringify({ userId: `00000000-0000-0000-0000-0000000000${n++}` })

describe('browser-side defences', () => {
  let b: Listening | null = null
  let cleanup = () => {}
  afterEach(async () => {
    await b?.app.close()
    b = null
    cleanup()
  })

  async function start(env: Record<string, string> = {}): Promise<Listening> {
    const t = tempDir()
    cleanup = t.cleanup
    b = await listeningBackend(join(t.dir, 'a.db'), env)
    return b
  }

  const post = (s: Listening, headers: Record<string, string>, body = newFriend()) =>
    rawRequest(`${s.api}/friends`, {
      method: 'POST',
      headers: { ...AUTH_HEADER, 'content-type': 'application/json', ...headers },
      body,
    })

  it('refuses a state change from a foreign Origin (403), on REST and on the socket.io handshake', async () => {
    const s = await start({ CORS_ORIGINS: WEB })
    const foreign = await post(s, { origin: EVIL })
    expect(foreign.status).toBe(403)
    expect(JSON.parse(foreign.body)).toMatchObject({ statusCode: 403, error: 'Forbidden' })
    // Another user's web app on the same host is another origin too.
    expect((await post(s, { origin: 'http://localhost:3001' })).status).toBe(403)
    expect((await post(s, { origin: WEB })).status).toBe(201)
    expect((await post(s, { origin: s.url })).status).toBe(201)
    expect(await liveAdmitted(s.url, { ...AUTH_HEADER, origin: EVIL })).toBe(false)
    expect(await liveAdmitted(s.url, { ...AUTH_HEADER, origin: 'http://localhost:3001' })).toBe(false)
    expect(await liveAdmitted(s.url, { ...AUTH_HEADER, origin: WEB })).toBe(true)
  })

  it('refuses cross-site state changes (Sec-Fetch-Site) and bodies that are not JSON (415)', async () => {
    const s = await start()
    const crossSite = await post(s, { 'sec-fetch-site': 'cross-site' })
    expect(crossSite.status).toBe(403)
    expect(JSON.parse(crossSite.body).message).toMatch(/Cross-site/)
    // What a no-cors fetch or a form can send: text/plain, urlencoded.
    const text = await post(s, { 'content-type': 'text/plain;charset=UTF-8' })
    expect(text.status).toBe(415)
    expect(JSON.parse(text.body)).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' })
    expect((await post(s, { 'content-type': 'application/x-www-form-urlencoded' }, 'userId=x')).status).toBe(
      415,
    )
    const untyped = await rawRequest(`${s.api}/friends`, {
      method: 'POST',
      headers: AUTH_HEADER,
      body: newFriend(),
    })
    expect(untyped.status).toBe(415)
    // Same-site and bodiless requests pass.
    expect((await post(s, { 'sec-fetch-site': 'same-site' })).status).toBe(201)
    const accept = await rawRequest(`${s.api}/friends/${FRIEND.userId}/accept`, {
      method: 'POST',
      headers: AUTH_HEADER,
    })
    expect(accept.status).not.toBe(415)
  })

  it('answers only to its own host names (a foreign Host, as after DNS rebinding, is 403)', async () => {
    const s = await start({ ALLOWED_HOSTS: 'pp.internal' })
    for (const host of ['evil.example', `evil.example:${s.port}`, '10.0.0.1']) {
      const a = await rawRequest(`${s.api}/me`, { headers: { ...AUTH_HEADER, host } })
      expect(a.status, host).toBe(403)
      expect(JSON.parse(a.body)).toMatchObject({ statusCode: 403, error: 'Forbidden' })
    }
    expect((await rawRequest(`${s.url}/health`, { headers: { host: 'evil.example' } })).status).toBe(403)
    for (const host of [
      `localhost:${s.port}`,
      `127.0.0.1:${s.port}`,
      `[::1]:${s.port}`,
      'pp.internal',
      'LOCALHOST',
    ])
      expect((await rawRequest(`${s.api}/me`, { headers: { ...AUTH_HEADER, host } })).status, host).toBe(200)
    expect(await liveAdmitted(s.url, { ...AUTH_HEADER, host: 'evil.example' })).toBe(false)
  })

  it('gives no CORS grant to a foreign origin without CORS_ORIGINS; a listed one gets credentials', async () => {
    const same = await start()
    const foreign = await rawRequest(`${same.api}/me`, { headers: { ...AUTH_HEADER, origin: EVIL } })
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await rawRequest(`${same.api}/ideas`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    })
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    await same.app.close()
    cleanup()

    const listed = await start({ CORS_ORIGINS: WEB })
    const ok = await rawRequest(`${listed.api}/me`, { headers: { ...AUTH_HEADER, origin: WEB } })
    expect(ok.headers['access-control-allow-origin']).toBe(WEB)
    expect(ok.headers['access-control-allow-credentials']).toBe('true')
    const other = await rawRequest(`${listed.api}/me`, { headers: { ...AUTH_HEADER, origin: EVIL } })
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('sends security headers: CSP with frame-ancestors none, nosniff; /docs keeps a CSP that lets it work', async () => {
    const s = await start({ CORS_ORIGINS: WEB })
    const a = await rawRequest(`${s.api}/me`, { headers: AUTH_HEADER })
    const csp = String(a.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toMatch(
      /connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ http:\/\/localhost:3000 ws:\/\/localhost:3000/,
    )
    expect(a.headers['x-content-type-options']).toBe('nosniff')
    expect(a.headers['x-frame-options']).toBe('SAMEORIGIN')
    const docs = await rawRequest(`${s.url}/docs/`)
    expect(docs.status).toBe(200)
    expect(docs.body).toContain('swagger-ui')
    const docsCsp = String(docs.headers['content-security-policy'])
    expect(docsCsp).toContain("style-src 'self' 'unsafe-inline'")
    expect(docsCsp).toContain("frame-ancestors 'none'")
    expect((await rawRequest(`${s.url}/docs/static/swagger-ui-bundle.js`)).status).toBe(200)
    expect((await rawRequest(`${s.url}/docs/json`)).status).toBe(200)
  })
})
