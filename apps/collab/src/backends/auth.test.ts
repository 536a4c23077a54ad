import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEV_JWT_SECRET, TokenAudience } from '@pp/contracts'
import {
  generateSigningKeyPair,
  mintBackendToken,
  mintSessionToken,
  secretKey,
  signingKeyFromPem,
} from '@pp/contracts/tokens'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectBackend, refusedStatus, tokenFor, USER_A, USER_B } from '../test-support/backend-client.js'
import { type Relay, startRelay, TEST_SECRET } from '../test-support/relay.js'

const key = new TextEncoder().encode(TEST_SECRET)
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)

describe('backend upgrade authorization', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ ALLOWED_ORIGINS: 'http://localhost:3000' })
  })
  afterAll(async () => {
    await relay.stop()
  })
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

  it('refuses a missing or malformed Authorization header with 401', async () => {
    expect(await refusedStatus(relay.wsUrl, {})).toBe(401)
    expect(await refusedStatus(relay.wsUrl, { authorization: 'Basic abc' })).toBe(401)
    expect(await refusedStatus(relay.wsUrl, bearer('not-a-jwt'))).toBe(401)
  })

  it('refuses a token signed with another secret', async () => {
    const t = await tokenFor(USER_A, { secret: 'some-other-secret-0123456789' })
    expect(await refusedStatus(relay.wsUrl, bearer(t))).toBe(401)
  })

  it('refuses alg:none and algorithms other than HS256', async () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: USER_A.id, name: 'User A', exp: now() + 600 })}.`
    expect(await refusedStatus(relay.wsUrl, bearer(none))).toBe(401)
    const hs512 = await new SignJWT({ name: 'User A' })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject(USER_A.id)
      .setExpirationTime(now() + 600)
      .sign(key)
    expect(await refusedStatus(relay.wsUrl, bearer(hs512))).toBe(401)
  })

  it('requires exp, sub (a user id) and the backend audience; without a name it knows the user by id', async () => {
    const aud = TokenAudience.BACKEND
    const noAud = await new SignJWT({ name: 'User A' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(USER_A.id)
      .setExpirationTime(now() + 600)
      .sign(key)
    const noExp = await new SignJWT({ name: 'User A', aud })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(USER_A.id)
      .sign(key)
    const noName = await new SignJWT({ aud })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(USER_A.id)
      .setExpirationTime(now() + 600)
      .sign(key)
    const badSub = await new SignJWT({ name: 'X', aud })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setExpirationTime(now() + 600)
      .sign(key)
    for (const t of [noAud, noExp, badSub]) expect(await refusedStatus(relay.wsUrl, bearer(t))).toBe(401)
    // A user's own display name travels only sealed, between friends: a token may leave it out.
    const anonymous = await connectBackend(relay.wsUrl, USER_A, { token: noName })
    const welcome = await anonymous.next('welcome', (f) => f.type === 'welcome')
    expect(welcome).toMatchObject({ user: { id: USER_A.id, displayName: USER_A.id } })
    anonymous.close()
    // The same claims with the audience are accepted: each refusal above is the one claim missing.
    const good = await new SignJWT({ name: 'User A', aud })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(USER_A.id)
      .setExpirationTime(now() + 600)
      .sign(key)
    const b = await connectBackend(relay.wsUrl, USER_A, { token: good })
    b.close()
  })

  it('refuses a session-room token at the backend socket', async () => {
    const session = await mintSessionToken(secretKey(TEST_SECRET), { userId: USER_A.id })
    expect(await refusedStatus(relay.wsUrl, bearer(session))).toBe(401)
  })

  it('refuses a token expired beyond the 30 s leeway, accepts one inside it', async () => {
    const old = await tokenFor(USER_A, { now: Date.now() - 3600_000 - 31_000, ttlSeconds: 3600 })
    expect(await refusedStatus(relay.wsUrl, bearer(old))).toBe(401)
    const justExpired = await tokenFor(USER_A, { now: Date.now() - 3600_000 - 28_000, ttlSeconds: 3600 })
    const b = await connectBackend(relay.wsUrl, USER_A, { token: justExpired })
    // …and closes it with 4001 once the leeway runs out, a few seconds later.
    expect(await b.waitClosed()).toEqual({ code: 4001, reason: 'token expired' })
  })

  it('refuses a browser Origin not in ALLOWED_ORIGINS with 403; a listed one and none pass', async () => {
    const t = await tokenFor(USER_B)
    expect(await refusedStatus(relay.wsUrl, { ...bearer(t), origin: 'http://evil.example' })).toBe(403)
    const listed = await connectBackend(relay.wsUrl, USER_B, {
      token: t,
      headers: { origin: 'http://localhost:3000' },
    })
    listed.close()
    const none = await connectBackend(relay.wsUrl, USER_B, { token: t })
    none.close()
  })

  it('creates no socket for a refused upgrade', async () => {
    const metrics = await (await fetch(`${relay.url}/metrics`)).text()
    const accepted = Number(/^collab_backend_connections_total (\d+)/m.exec(metrics)?.[1])
    const refused = Number(/^collab_auth_failures_total\{status="401"\} (\d+)/m.exec(metrics)?.[1])
    // Only the five connections accepted above, and every 401 counted.
    expect(accepted).toBe(5)
    expect(refused).toBeGreaterThanOrEqual(10)
  })

  it('answers a plain GET on the socket path with 426', async () => {
    const res = await fetch(`${relay.url}/v1/backends`)
    expect(res.status).toBe(426)
  })
})

describe('a relay verifying with a public key (COLLAB_JWT_PUBLIC_KEY)', () => {
  let relay: Relay
  const pair = generateSigningKeyPair()
  const dir = mkdtempSync(join(tmpdir(), 'pp-relay-key-'))
  beforeAll(async () => {
    writeFileSync(join(dir, 'relay.pub'), pair.publicPem)
    relay = await startRelay({ COLLAB_JWT_SECRET: '', COLLAB_JWT_PUBLIC_KEY: join(dir, 'relay.pub') })
  })
  afterAll(async () => {
    await relay.stop()
  })
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

  it('accepts an EdDSA token signed with the private key', async () => {
    const t = await mintBackendToken(signingKeyFromPem(pair.privatePem), {
      userId: USER_A.id,
      name: 'User A',
    })
    const b = await connectBackend(relay.wsUrl, USER_A, { token: t })
    expect(b.frames[0]).toMatchObject({ type: 'welcome', user: { id: USER_A.id } })
    b.close()
  })

  it('refuses HS256 tokens (the development secret too) and another key pair', async () => {
    const dev = await mintBackendToken(secretKey(DEV_JWT_SECRET), { userId: USER_A.id, name: 'User A' })
    expect(await refusedStatus(relay.wsUrl, bearer(dev))).toBe(401)
    const other = generateSigningKeyPair()
    const forged = await mintBackendToken(signingKeyFromPem(other.privatePem), {
      userId: USER_A.id,
      name: 'User A',
    })
    expect(await refusedStatus(relay.wsUrl, bearer(forged))).toBe(401)
  })
})
