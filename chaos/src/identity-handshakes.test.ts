import { uuidv7 } from 'uuidv7'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './lib/counters.js'
import { knobs } from './lib/env.js'
import { getJson } from './lib/net.js'
import { Rng } from './lib/random.js'
import { Relay } from './lib/relay.js'
import { algNoneWithSignature, OTHER_SECRET, tamperedToken, token, unsecuredToken } from './lib/tokens.js'
import { pool, until } from './lib/wait.js'
import { type Conn, connectBackend, type Frame, tryUpgrade, type User } from './lib/ws-client.js'

const ALLOWED_ORIGIN = 'http://127.0.0.1:3999'
const X: User = { id: '00000000-0000-4000-8000-00000000000a', name: 'User X' }
const Y: User = { id: '00000000-0000-4000-8000-00000000000b', name: 'User Y' }
const Z: User = { id: '00000000-0000-4000-8000-00000000000c', name: 'User Z' }

type Variant = { name: string; status: number; headers: () => Promise<Record<string, string>> }

const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

/** Each a handshake that must be refused: what is wrong, and the status the relay must answer. */
const variants: Variant[] = [
  { name: 'no token', status: 401, headers: async () => ({}) },
  { name: 'empty bearer', status: 401, headers: async () => ({ authorization: 'Bearer ' }) },
  { name: 'not a JWT', status: 401, headers: async () => bearer('not.a.jwt') },
  {
    name: 'basic scheme',
    status: 401,
    headers: async () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
  },
  {
    name: 'token without scheme',
    status: 401,
    headers: async () => ({ authorization: await token(X.id, X.name) }),
  },
  {
    name: 'expired (beyond the 30 s leeway)',
    status: 401,
    headers: async () => bearer(await token(X.id, X.name, { expiresIn: -120 })),
  },
  {
    name: 'signed with another secret',
    status: 401,
    headers: async () => bearer(await token(X.id, X.name, { secret: OTHER_SECRET })),
  },
  { name: 'alg none, unsigned', status: 401, headers: async () => bearer(unsecuredToken(X.id, X.name)) },
  {
    name: 'alg none header, signature kept',
    status: 401,
    headers: async () => bearer(algNoneWithSignature(await token(X.id, X.name))),
  },
  {
    name: 'HS512 with the right secret',
    status: 401,
    headers: async () => bearer(await token(X.id, X.name, { alg: 'HS512' })),
  },
  {
    name: 'payload swapped to another user',
    status: 401,
    headers: async () => bearer(tamperedToken(await token(X.id, X.name), Y.id, Y.name)),
  },
  { name: 'no sub', status: 401, headers: async () => bearer(await token(X.id, X.name, { omit: ['sub'] })) },
  { name: 'sub not a uuid', status: 401, headers: async () => bearer(await token('admin', X.name)) },
  {
    // `name` is optional (the relay then knows the user by id), but a blank one is not a name.
    name: 'blank name',
    status: 401,
    headers: async () => bearer(await token(X.id, '   ')),
  },
  { name: 'no exp', status: 401, headers: async () => bearer(await token(X.id, X.name, { omit: ['exp'] })) },
  {
    name: 'foreign Origin with a valid token',
    status: 403,
    headers: async () => ({ ...bearer(await token(X.id, X.name)), origin: 'http://evil.example' }),
  },
  {
    name: 'null Origin with a valid token',
    status: 403,
    headers: async () => ({ ...bearer(await token(X.id, X.name)), origin: 'null' }),
  },
]

describe('identity: altered handshakes', () => {
  let relay: Relay
  let observer: Conn

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-identity', env: { ALLOWED_ORIGINS: ALLOWED_ORIGIN } })
    observer = await connectBackend(relay.backendsUrl, Z)
  })
  afterAll(async () => {
    await observer?.close()
    await relay?.stop()
  })

  it('refuses every altered handshake: no upgrade, 401 (403 for a foreign Origin)', async () => {
    const rng = new Rng(knobs.seed)
    // every variant in turn, in a seeded random order
    const tries = Array.from(
      { length: knobs.handshakes },
      (_, i) => variants[i % variants.length] ?? rng.pick(variants),
    )
    for (let i = tries.length - 1; i > 0; i--) {
      const j = rng.int(0, i + 1)
      const t = tries[i] as Variant
      tries[i] = tries[j] as Variant
      tries[j] = t
    }
    const results = await pool(tries, 20, async (v) => ({
      v,
      r: await tryUpgrade(relay.backendsUrl, await v.headers()),
    }))
    const upgraded = results.filter(({ r }) => r.upgraded)
    const wrongStatus = results.filter(({ v, r }) => r.status !== v.status)
    const byVariant = new Map<string, string>()
    for (const { v, r } of results) byVariant.set(v.name, `${r.status ?? r.error}`)
    console.log(`identity: ${results.length} altered handshakes, ${upgraded.length} upgraded`)
    for (const [name, status] of byVariant) console.log(`  ${name}: ${status}`)

    const online = await getJson<{ id: string }[]>(`${relay.httpUrl}/api/users/online`)
    record('identity: altered handshakes', {
      badInputs: results.length,
      refused: results.length - upgraded.length,
      crashes: relay.crashes(),
    })
    expect(upgraded.map(({ v }) => v.name)).toEqual([])
    expect(wrongStatus.map(({ v, r }) => `${v.name}: ${r.status ?? r.error}`)).toEqual([])
    // Only the observer is online: no refused handshake left a user behind.
    expect(online.body.map((u) => u.id)).toEqual([Z.id])
    // Sanity: the same relay lets a correct token in, also from the allowed Origin.
    const ok = await tryUpgrade(relay.backendsUrl, {
      ...bearer(await token(Y.id, Y.name)),
      origin: ALLOWED_ORIGIN,
    })
    expect(ok.upgraded).toBe(true)
  })

  it('takes the sender from the verified token: a token for X cannot send as Y', async () => {
    const x = await connectBackend(relay.backendsUrl, X)
    const forged: unknown[] = [
      // a `from` of its own choosing is refused as an unknown field
      {
        type: 'send',
        id: uuidv7(),
        to: [Z.id],
        from: { id: Y.id, displayName: Y.name },
        event: { type: 'friend_request', user: { id: Y.id, displayName: Y.name } },
      },
      { type: 'send', id: uuidv7(), to: [Z.id], from: Y.id, event: { type: 'typing', ideaId: uuidv7() } },
      { type: 'send', id: uuidv7(), to: [Z.id], user: Y.id, event: { type: 'typing', ideaId: uuidv7() } },
      { type: 'ack', id: uuidv7(), to: Z.id, by: Y.id },
    ]
    // Claims inside the event name Y, but the envelope is X's: delivered, with from = X.
    const claimed = [
      {
        type: 'send',
        id: uuidv7(),
        to: [Z.id],
        event: { type: 'friend_request', user: { id: Y.id, displayName: Y.name } },
      },
      {
        type: 'send',
        id: uuidv7(),
        to: [Z.id],
        event: { type: 'friend_accepted', user: { id: Y.id, displayName: Y.name } },
      },
      { type: 'ack', id: uuidv7(), to: Z.id },
    ]
    const errorsBefore = x.ofType('error').length
    for (const f of forged) x.send(f)
    for (const f of claimed) x.send(f)
    await x.next((f) => f.type === 'error', { from: 0 })
    const sendIds = claimed.filter((f) => f.type === 'send').map((f) => f.id)
    for (const id of sendIds) await observer.next((f) => f.type === 'event' && f.id === id)
    const ackId = claimed[2]?.id
    await observer.next((f) => f.type === 'ack' && f.id === ackId)
    // every forged frame gets its answer
    await until(
      'an error frame per forged frame',
      () => x.ofType('error').length - errorsBefore >= forged.length,
    )
    const { frames } = x

    const forgedIds = new Set(forged.map((f) => (f as { id: string }).id))
    const leaked = observer.frames.filter((f) => forgedIds.has(String(f.id)))
    const errors = frames.filter((f) => f.type === 'error')
    expect(errors.length - errorsBefore).toBe(forged.length)
    expect(errors.every((f) => f.code === 'invalid_frame')).toBe(true)
    expect(leaked).toEqual([])
    await x.close()

    const unverified = observer.frames.filter((f: Frame) => {
      if (f.type === 'event') {
        const from = f.from as { id?: string; displayName?: string }
        return !(from.id === X.id && from.displayName === X.name)
      }
      if (f.type === 'ack') return f.by !== X.id
      return false
    })
    const delivered = observer.frames.filter((f) => f.type === 'event' || f.type === 'ack').length
    console.log(
      `identity: X sent ${forged.length} forged frames (all refused) and ${claimed.length} claiming Y inside; ${delivered} reached Z, every one from X`,
    )
    record('identity: sender from token', {
      badInputs: forged.length,
      refused: errors.length - errorsBefore,
      eventsSent: claimed.length,
    })
    expect(unverified).toEqual([])
    expect(delivered).toBe(claimed.length)
  })
})
