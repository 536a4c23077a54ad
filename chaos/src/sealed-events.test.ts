import { randomBytes } from 'node:crypto'
import { fingerprint, generateKeys } from '@pp/contracts/sealing'
import { uuidv7 } from 'uuidv7'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Backend, befriend } from './lib/backend.js'
import { MitmRelay, RecordingProxy } from './lib/proxies.js'
import { Relay } from './lib/relay.js'
import { user } from './lib/users.js'
import { until } from './lib/wait.js'

/** A unique marker of letters only (fits a ticker, a tag, a name, a note). */
const marker = (prefix: string) =>
  `${prefix}${randomBytes(8)
    .toString('hex')
    .replace(/[0-9]/g, (d) => 'QRSTUVWXYZ'[Number(d)] ?? 'Q')
    .toUpperCase()}`

const NAME_A = marker('ALICE')
const NAME_B = marker('BOB')
const NAME_C = marker('CARL')
const A = user(0x5e, 1, `Alice ${NAME_A}`)
const B = user(0x5e, 2, `Bob ${NAME_B}`)
const C = user(0x5e, 3, `Carl ${NAME_C}`)

/** Every way a marker could be spelled in recorded bytes: itself, hex, base64 at each alignment. */
function spellings(m: string): string[] {
  const raw = Buffer.from(m, 'utf8')
  const out = [m, raw.toString('hex'), raw.toString('hex').toUpperCase()]
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), raw])
    for (const b64 of [enc.toString('base64'), enc.toString('base64url')]) {
      // The 4 characters touched by the padding bytes, and the last (partial) group, vary with context.
      out.push(b64.slice(k === 0 ? 0 : 4, -4))
    }
  }
  return [...new Set(out.filter((s) => s.length >= 8))]
}

type Idea = { id: string; symbol: string; status: string; notes: string; tags: string[] }
type CommentRow = { id: string; body: string; author: { id: string; displayName: string } }
type Note = { text: string }

/**
 * The relay sees routing metadata only: three backends talk through the relay with a wire tap (a
 * recording TCP proxy) in front of each. They play the guide's Tests 1–4 and 6 and a friend request, with
 * unique markers in every symbol, note, tag, comment and display name; the outcomes are as ever, and no
 * marker appears in anything the taps recorded, in clear, hex or base64. The relay tokens carry no name:
 * a user's own display name reaches friends only sealed.
 */
describe('sealed events: what crosses the relay', () => {
  let relay: Relay
  const taps: RecordingProxy[] = []
  let alice: Backend
  let bob: Backend
  let carl: Backend
  const markers: string[] = [NAME_A, NAME_B, NAME_C]

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-sealed' })
    const start = async (u: typeof A) => {
      const tap = await RecordingProxy.start(relay.port)
      taps.push(tap)
      return Backend.start(u, relay, { COLLABORATION_SERVICE_URL: tap.url }, { tokenName: null })
    }
    ;[alice, bob, carl] = await Promise.all([start(A), start(B), start(C)])
    await Promise.all([alice.linked(), bob.linked(), carl.linked()])
  })
  afterAll(async () => {
    await Promise.all([alice?.stop(), bob?.stop(), carl?.stop()])
    await Promise.all(taps.map((t) => t.stop()))
    await relay?.stop()
  })

  it('plays the guide’s flows with every name and content sealed', async () => {
    // A friend request each way; names arrive signed by their owners.
    for (const other of [bob, carl]) {
      expect((await alice.post('/friends', { userId: other.user.id })).status).toBe(201)
      await until(`${other.user.name} sees the request`, async () => {
        const fs = (await other.get<Array<{ id: string; status: string; displayName: string }>>('/friends'))
          .body
        return fs.some((f) => f.id === A.id && f.status === 'incoming' && f.displayName === A.name)
      })
      expect((await other.post(`/friends/${A.id}/accept`)).status).toBe(200)
    }
    await until('both friends of Alice', async () => {
      const fs = (
        await alice.get<Array<{ id: string; status: string; displayName: string; fingerprint: string }>>(
          '/friends',
        )
      ).body
      return (
        fs.filter((f) => f.status === 'accepted' && f.fingerprint !== null).length === 2 &&
        fs.find((f) => f.id === B.id)?.displayName === B.name
      )
    })
    // Safety numbers match out of band: what Alice shows for Bob is what Bob shows for himself.
    const bobSays = (await bob.get<{ fingerprint: string }>('/me')).body.fingerprint
    const aliceSees = (await alice.get<Array<{ id: string; fingerprint: string }>>('/friends')).body.find(
      (f) => f.id === B.id,
    )?.fingerprint
    expect(aliceSees).toBe(bobSays)

    // Test 1: share an idea.
    const symbol = marker('').slice(0, 9)
    const tag = marker('tag').slice(0, 30).toLowerCase()
    const note = marker('NOTE')
    markers.push(symbol, tag, note)
    const idea = (
      await alice.post<Idea>('/ideas', {
        symbol,
        strategy: 'Covered Call',
        status: 'Planned',
        tags: [tag],
        notes: note,
      })
    ).body
    expect((await alice.put(`/ideas/${idea.id}/shares`, { userIds: [B.id] })).status).toBe(200)
    const atBob = await until('the idea at Bob', async () =>
      (await bob.get<Idea[]>('/shared')).body.find((i) => i.id === idea.id),
    )
    expect(atBob).toMatchObject({ symbol, notes: note, tags: [tag] })

    // Test 2: comments both ways.
    const fromBob = marker('COMMENTB')
    const fromAlice = marker('COMMENTA')
    markers.push(fromBob, fromAlice)
    expect((await bob.post(`/ideas/${idea.id}/comments`, { body: fromBob })).status).toBe(201)
    expect((await alice.post(`/ideas/${idea.id}/comments`, { body: fromAlice })).status).toBe(201)
    for (const b of [alice, bob]) {
      await until(`both comments at ${b.user.name}`, async () => {
        const cs = (await b.get<CommentRow[]>(`/ideas/${idea.id}/comments`)).body
        return cs.length === 2 && cs.every((c) => c.body === fromBob || c.body === fromAlice)
      })
    }

    // Test 3: an update.
    const note2 = marker('NOTETWO')
    markers.push(note2)
    expect((await alice.patch(`/ideas/${idea.id}`, { status: 'Open', notes: note2 })).status).toBe(200)
    await until('the update at Bob', async () => {
      const i = (await bob.get<Idea>(`/ideas/${idea.id}`)).body
      return i.status === 'Open' && i.notes === note2
    })

    // Test 6: three users; Carl joins and gets the thread, Bob's comment with Bob's own signature.
    expect((await alice.put(`/ideas/${idea.id}/shares`, { userIds: [B.id, C.id] })).status).toBe(200)
    const atCarl = await until('the thread at Carl', async () => {
      const cs = (await carl.get<CommentRow[]>(`/ideas/${idea.id}/comments`)).body
      return cs?.length === 2 ? cs : undefined
    })
    expect(atCarl.map((c) => c.body).sort()).toEqual([fromAlice, fromBob].sort())
    const fromCarl = marker('COMMENTC')
    markers.push(fromCarl)
    expect((await carl.post(`/ideas/${idea.id}/comments`, { body: fromCarl })).status).toBe(201)
    await until('Carl’s comment at Bob', async () =>
      (await bob.get<CommentRow[]>(`/ideas/${idea.id}/comments`)).body.some((c) => c.body === fromCarl),
    )

    // Test 4: revoke.
    expect((await alice.put(`/ideas/${idea.id}/shares`, { userIds: [C.id] })).status).toBe(200)
    await until('Bob loses the idea', async () => (await bob.get(`/ideas/${idea.id}`)).status === 404)
    const notes = (await bob.get<Note[]>('/notifications')).body
    expect(notes.some((n) => n.text === 'Access to position was revoked')).toBe(true)

    // Nothing refused on the way: every event opened and verified.
    for (const b of [alice, bob, carl]) expect((await b.delivery()).sinceStart.refused).toBe(0)

    // And none of it, nor any name, crossed a tap readable.
    for (const [i, tap] of taps.entries()) {
      const text = tap.bytes().toString('latin1')
      expect(text.length).toBeGreaterThan(1000)
      for (const m of markers) {
        for (const s of spellings(m)) {
          expect(text.includes(s), `tap ${i}: "${m}" seen as "${s}"`).toBe(false)
        }
      }
    }
    // The taps did see the traffic, both ways: the routing fields are in clear.
    const alicesTap = taps[0]?.bytes().toString('latin1') ?? ''
    expect(alicesTap).toContain(`"type":"send","id":`) // what Alice sent (unmasked)
    expect(alicesTap).toContain(`"to":["${B.id}"],"event":{"type":"position_shared","sealed":"`)
    expect(taps[1]?.bytes().toString('latin1')).toContain(`"from":{"id":"${A.id}"`) // what Bob received
  })
})

const D = user(0x5f, 1, 'Dana Owner')
const E = user(0x5f, 2, 'Eli Sharee')
const F = user(0x5f, 3, 'Fay Sharee')

type EventFrame = { type: string; id: string; from: { id: string }; event: { type: string; sealed?: string } }
type SendFrame = { type: string; id: string; to: string[]; event: { type: string } }

/**
 * A hostile relay: flips a byte of a sealed event, re-addresses one recipient's event to another,
 * replays an event under another id, swaps an owner's public keys. Each is refused and counted at the
 * recipient, nothing of it is applied, and once the tampering stops every genuine comment arrives once.
 */
describe('sealed events: a relay that tampers', () => {
  let relay: Relay
  let toDana: MitmRelay
  let toEli: MitmRelay
  let dana: Backend
  let eli: Backend
  let fay: Backend
  let ideaId = ''

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-tampering' })
    toDana = await MitmRelay.start(relay.port)
    toEli = await MitmRelay.start(relay.port)
    ;[dana, eli, fay] = await Promise.all([
      Backend.start(D, relay, { COLLABORATION_SERVICE_URL: toDana.url }),
      Backend.start(E, relay, { COLLABORATION_SERVICE_URL: toEli.url }),
      Backend.start(F, relay),
    ])
    await Promise.all([dana.linked(), eli.linked(), fay.linked()])
    await befriend(dana, eli)
    await befriend(dana, fay)
    ideaId = (await dana.post<Idea>('/ideas', { symbol: 'NVDA', strategy: 'Long Call', status: 'Open' })).body
      .id
    expect((await dana.put(`/ideas/${ideaId}/shares`, { userIds: [E.id, F.id] })).status).toBe(200)
    for (const b of [eli, fay]) {
      await until(`the idea at ${b.user.name}`, async () => (await b.get(`/ideas/${ideaId}`)).status === 200)
    }
  })
  afterAll(async () => {
    await Promise.all([dana?.stop(), eli?.stop(), fay?.stop()])
    await Promise.all([toDana?.stop(), toEli?.stop()])
    await relay?.stop()
  })

  const bodies = async (b: Backend) =>
    (await b.get<CommentRow[]>(`/ideas/${ideaId}/comments`)).body.map((c) => c.body)
  const refusals = async (b: Backend) => (await b.delivery()).refusals

  it('refuses a flipped byte, and the genuine event arrives once the tampering stops', async () => {
    const before = (await refusals(eli)).cannot_open ?? 0
    toEli.toBackend = (text) => {
      const f = JSON.parse(text) as EventFrame
      if (f.type !== 'event' || f.event.type !== 'comment_added' || !f.event.sealed) return [text]
      const s = f.event.sealed
      const i = Math.floor(s.length / 2)
      f.event.sealed = `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`
      return [JSON.stringify(f)]
    }
    expect((await dana.post(`/ideas/${ideaId}/comments`, { body: 'flipped on the way' })).status).toBe(201)
    await until('the flipped event refused', async () => ((await refusals(eli)).cannot_open ?? 0) > before)
    expect(await bodies(eli)).not.toContain('flipped on the way')
    toEli.toBackend = undefined
    await until('the genuine one at Eli', async () => (await bodies(eli)).includes('flipped on the way'))
  })

  it('refuses an event re-addressed to another recipient', async () => {
    const before = (await refusals(eli)).cannot_open ?? 0
    // Dana's event for Fay goes to Eli instead.
    toDana.toRelay = (text) => {
      const f = JSON.parse(text) as SendFrame
      if (f.type !== 'send' || f.event.type !== 'comment_added' || f.to[0] !== F.id) return [text]
      return [JSON.stringify({ ...f, to: [E.id] })]
    }
    expect((await dana.post(`/ideas/${ideaId}/comments`, { body: 'meant for Fay' })).status).toBe(201)
    await until(
      'the re-addressed event refused at Eli',
      async () => ((await refusals(eli)).cannot_open ?? 0) > before,
    )
    expect(await bodies(fay)).not.toContain('meant for Fay')
    toDana.toRelay = undefined
    await until('Fay gets it', async () => (await bodies(fay)).includes('meant for Fay'))
    await until('Eli gets his own', async () => (await bodies(eli)).includes('meant for Fay'))
  })

  it('refuses an event replayed under another id', async () => {
    const before = (await refusals(eli)).cannot_open ?? 0
    const replayedIds: string[] = []
    toEli.toBackend = (text) => {
      const f = JSON.parse(text) as EventFrame
      if (f.type !== 'event' || f.event.type !== 'comment_added') return [text]
      const id = uuidv7()
      replayedIds.push(id)
      return [text, JSON.stringify({ ...f, id })]
    }
    expect((await dana.post(`/ideas/${ideaId}/comments`, { body: 'said once' })).status).toBe(201)
    await until('the replay refused', async () => ((await refusals(eli)).cannot_open ?? 0) > before)
    toEli.toBackend = undefined
    await until('the original at Eli', async () => (await bodies(eli)).includes('said once'))
    expect((await bodies(eli)).filter((b) => b === 'said once')).toHaveLength(1)
    expect(eli.inbox().filter((r) => replayedIds.includes(r.eventId))).toEqual([])
  })

  it('refuses swapped keys for a known friend, warns on the Friends page, and keeps the pinned ones', async () => {
    const before = (await refusals(eli)).changed_keys ?? 0
    const forged = generateKeys().public
    toEli.inject(
      JSON.stringify({
        type: 'event',
        id: uuidv7(),
        from: { id: D.id, displayName: D.name },
        event: { type: 'hello', keys: forged, reply: true },
      }),
    )
    await until('the swap refused', async () => ((await refusals(eli)).changed_keys ?? 0) > before)
    const friend = (
      await eli.get<Array<{ id: string; fingerprint: string; newFingerprint: string | null }>>('/friends')
    ).body.find((f) => f.id === D.id)
    expect(friend?.newFingerprint).toBe(fingerprint(forged))
    expect(friend?.fingerprint).toBe((await dana.get<{ fingerprint: string }>('/me')).body.fingerprint)
    // Dana's genuine events still open with the pinned keys.
    expect((await dana.post(`/ideas/${ideaId}/comments`, { body: 'still me' })).status).toBe(201)
    await until('Dana’s comment at Eli', async () => (await bodies(eli)).includes('still me'))
  })

  it('lost nothing and applied nothing twice', async () => {
    const all = ['flipped on the way', 'meant for Fay', 'said once', 'still me']
    for (const b of [eli, fay]) {
      await until(`every comment at ${b.user.name}`, async () => (await bodies(b)).length === all.length)
      expect((await bodies(b)).sort()).toEqual([...all].sort())
    }
    expect(((await refusals(fay)).cannot_open ?? 0) + ((await refusals(fay)).bad_signature ?? 0)).toBe(0)
  })
})
