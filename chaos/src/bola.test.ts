import type { DomainEvent } from '@pp/contracts'
import { uuidv7 } from 'uuidv7'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Backend, befriend } from './lib/backend.js'
import { record } from './lib/counters.js'
import { Relay } from './lib/relay.js'
import { SealedPeer } from './lib/sealed-peer.js'
import { user } from './lib/users.js'
import { until } from './lib/wait.js'
import { type Conn, connectBackend } from './lib/ws-client.js'

type Idea = {
  id: string
  owner: { id: string; displayName: string }
  notes: string
  version: number
  status: string
  symbol: string
  strategy: string
  tags: string[]
  createdAt: string
  updatedAt: string
}

const A = user(0x34, 1, 'Alice Owner')
const B = user(0x34, 2, 'Bob Friend')
const C = user(0x34, 3, 'Carl Forger')

describe('authorization (BOLA)', () => {
  let relay: Relay
  let alice: Backend
  let bob: Backend
  let carl: Conn | undefined
  let tried = 0
  let refused = 0
  /** Asserts a request was refused with one of `statuses`, and counts it. */
  const refusedWith = async (what: string, p: Promise<{ status: number }>, statuses: number[]) => {
    const r = await p
    tried += 1
    if (statuses.includes(r.status)) refused += 1
    expect(`${what}: ${r.status}`).toBe(
      `${what}: ${statuses.includes(r.status) ? r.status : statuses.join('|')}`,
    )
  }

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-bola' })
    alice = await Backend.start(A, relay)
    bob = await Backend.start(B, relay)
    await alice.linked()
    await bob.linked()
    await befriend(alice, bob)
  })
  afterAll(async () => {
    await carl?.close()
    await alice?.stop()
    await bob?.stop()
    await relay?.stop()
  })

  it('B cannot read, patch, share, comment on or learn of A’s idea until it is shared', async () => {
    const idea = (
      await alice.post<Idea>('/ideas', {
        symbol: 'AAPL',
        strategy: 'Covered Call',
        status: 'Planned',
        notes: 'secret',
      })
    ).body
    const path = `/ideas/${idea.id}`
    await refusedWith('GET idea', bob.get(path), [404])
    await refusedWith('GET comments', bob.get(`${path}/comments`), [404])
    await refusedWith('GET shares', bob.get(`${path}/shares`), [404])
    await refusedWith('PATCH', bob.patch(path, { notes: 'mine now' }), [404])
    await refusedWith('PUT shares', bob.put(`${path}/shares`, { userIds: [B.id] }), [404])
    await refusedWith('POST comment', bob.post(`${path}/comments`, { body: 'let me in' }), [404])
    await refusedWith('DELETE', bob.del(path), [404])
    const learn = JSON.stringify([
      (await bob.get('/ideas')).body,
      (await bob.get('/shared')).body,
      (await bob.get('/notifications')).body,
      (await bob.get('/collab/status')).body,
    ])
    expect(learn.includes(idea.id)).toBe(false)
    expect(learn.includes('secret')).toBe(false)
    record('BOLA: before sharing', { badInputs: tried, refused })
  })

  it('after sharing B reads but cannot change it; a forged position_updated from C (B’s friend) is refused; after revocation B’s comment is refused by A', async () => {
    tried = 0
    refused = 0
    const idea = (
      await alice.post<Idea>('/ideas', {
        symbol: 'MSFT',
        strategy: 'Long Call',
        status: 'Watching',
        notes: 'v1',
      })
    ).body
    const path = `/ideas/${idea.id}`
    expect((await alice.put(`${path}/shares`, { userIds: [B.id] })).status).toBe(200)
    await until('B sees the shared idea', async () => (await bob.get(path)).status === 200)
    await refusedWith('PATCH a received idea', bob.patch(path, { notes: 'hijack' }), [403])
    await refusedWith('PUT shares of a received idea', bob.put(`${path}/shares`, { userIds: [] }), [403])
    const comment = await bob.post<{ id: string }>(`${path}/comments`, { body: 'allowed while shared' })
    expect(comment.status).toBe(201)
    await until('A stores B’s comment', async () =>
      (await alice.get<{ id: string }[]>(`${path}/comments`)).body.some((c) => c.id === comment.body.id),
    )

    // C, a friend of B (not of A), holds a valid token of its own and forges events about A's idea.
    // C speaks the sealed protocol with keys of its own: it can sign and seal only as itself.
    carl = await connectBackend(relay.backendsUrl, C)
    const sealedCarl = new SealedPeer(carl, C)
    await sealedCarl.hello(B.id)
    sealedCarl.send(B.id, {
      type: 'friend_request',
      user: { id: C.id, displayName: C.name },
      keys: sealedCarl.keys.public,
    })
    await until('B sees C’s request', async () =>
      (await bob.get<{ id: string; status: string }[]>('/friends')).body.some((f) => f.id === C.id),
    )
    await bob.post(`/friends/${C.id}/accept`)
    await sealedCarl.next((e) => e.type === 'friend_accepted')
    const now = new Date().toISOString()
    const { readOnly: _readOnly, ...snapshot } = (await bob.get<Idea & { readOnly: boolean }>(path)).body
    const current = snapshot
    const forged = [
      {
        type: 'position_updated',
        idea: { ...snapshot, notes: 'forged by C', version: current.version + 100, updatedAt: now },
      },
      {
        type: 'position_updated',
        idea: {
          ...snapshot,
          owner: { id: C.id, displayName: C.name },
          notes: 'forged owner',
          version: current.version + 200,
          updatedAt: now,
        },
      },
      { type: 'share_revoked', ideaId: idea.id },
      { type: 'position_deleted', ideaId: idea.id },
      {
        type: 'comment_added',
        // Words put in A's mouth: signed with C's key, which is not A's.
        comment: sealedCarl.comment({
          id: uuidv7(),
          ideaId: idea.id,
          author: { id: A.id, displayName: A.name },
          body: 'forged words of A',
          createdAt: now,
        }),
      },
      {
        type: 'position_shared',
        idea: { ...snapshot, id: uuidv7(), notes: 'fake share in A’s name', updatedAt: now },
        comments: [],
      },
    ]
    const ids = forged.map((event) => sealedCarl.send(B.id, event as DomainEvent))
    // B acks refused events too (so they are not retried): wait for every ack.
    for (const id of ids) await carl.next((f) => f.type === 'ack' && f.id === id, { timeoutMs: 15_000 })
    const after = await bob.get<Idea>(path)
    const bobComments = (await bob.get<{ body: string }[]>(`${path}/comments`)).body
    const bobShared = (await bob.get<Idea[]>('/shared')).body
    const refusedInbox = bob.inbox().filter((r) => ids.includes(r.eventId) && r.outcome === 'refused').length
    tried += forged.length
    refused += refusedInbox
    console.log(
      `BOLA: C forged ${forged.length} events about A’s idea; B refused ${refusedInbox}; B still holds version ${after.body.version} notes "${after.body.notes}"`,
    )
    expect(after.status).toBe(200)
    expect(after.body.notes).toBe('v1')
    expect(after.body.version).toBe(current.version)
    expect(bobComments.some((c) => c.body === 'forged words of A')).toBe(false)
    expect(bobShared.some((i) => i.notes.includes('fake share'))).toBe(false)
    expect(refusedInbox).toBe(forged.length)

    // Revoke, then B's side sends a comment anyway (as a backend that missed the revocation would).
    expect((await alice.put(`${path}/shares`, { userIds: [] })).status).toBe(200)
    await until('B lost the idea', async () => (await bob.get(path)).status === 404)
    await refusedWith(
      'POST comment after revocation (REST)',
      bob.post(`${path}/comments`, { body: 'too late' }),
      [404, 403],
    )
    await bob.stop()
    // B's own keys (from its key file) on a raw connection: a backend that missed the revocation.
    const rawBob = await connectBackend(relay.backendsUrl, B)
    const sealedBob = new SealedPeer(rawBob, B, SealedPeer.keysOf(bob.dbFile))
    await sealedBob.hello(A.id)
    const late = sealedBob.comment({
      id: uuidv7(),
      ideaId: idea.id,
      author: { id: B.id, displayName: B.name },
      body: 'after revocation',
      createdAt: new Date().toISOString(),
    })
    sealedBob.send(A.id, { type: 'comment_added', comment: late })
    const rejection = await sealedBob.next((e) => e.type === 'comment_rejected')
    const aliceComments = (await alice.get<{ id: string }[]>(`${path}/comments`)).body
    tried += 1
    if (!aliceComments.some((c) => c.id === late.id)) refused += 1
    await rawBob.close()
    record('BOLA: shared, forged, revoked', { badInputs: tried, refused })
    expect(rejection.event).toMatchObject({ type: 'comment_rejected', commentId: late.id })
    expect(aliceComments.some((c) => c.id === late.id)).toBe(false)
  })
})
