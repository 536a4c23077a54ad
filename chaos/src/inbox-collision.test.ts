import type { DomainEvent } from '@pp/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Backend, befriend } from './lib/backend.js'
import { record } from './lib/counters.js'
import { Relay } from './lib/relay.js'
import { SealedPeer } from './lib/sealed-peer.js'
import { user } from './lib/users.js'
import { until } from './lib/wait.js'
import { type Conn, connectBackend } from './lib/ws-client.js'

const A = user(0x35, 1, 'Alice Owner')
const B = user(0x35, 2, 'Bob Sharee')
const C = user(0x35, 3, 'Carl Cosharee')

/**
 * The inbox collision: one event id goes to every recipient, so a co-sharee who has seen an id can send
 * another recipient a frame under that id first. Keyed by the id alone, the inbox took the real event for
 * a duplicate, acked it and never applied it; keyed by (verified sender, id), the real one is applied.
 */
describe('inbox collision', () => {
  let relay: Relay
  let alice: Backend
  let bob: Backend
  let carl: Conn | undefined

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-inbox-collision' })
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

  it("another sender's frame under the real event's id, arriving first, never hides the real comment", async () => {
    const idea = (
      await alice.post<{ id: string }>('/ideas', { symbol: 'MSFT', strategy: 'Long Call', status: 'Planned' })
    ).body
    expect((await alice.put(`/ideas/${idea.id}/shares`, { userIds: [B.id] })).status).toBe(200)
    await until('the idea at Bob', async () =>
      ((await bob.get<Array<{ id: string }>>('/shared')).body ?? []).some((i) => i.id === idea.id),
    )

    // Bob is away; Alice comments: the event waits in her outbox under its id.
    await bob.stop()
    expect((await alice.post(`/ideas/${idea.id}/comments`, { body: 'the real comment' })).status).toBe(201)
    const row = await until('the comment in Alice’s outbox', async () =>
      alice.read(
        (db) =>
          db
            .prepare("SELECT eventId, payload FROM Outbox WHERE recipientId = ? AND type = 'comment_added'")
            .get(B.id) as { eventId: string; payload: string } | undefined,
      ),
    )
    // Alice is away too, so the forgery surely arrives first.
    await alice.stop()
    await bob.restart()
    await bob.linked()

    // Carl, who saw the same id as a co-sharee, sends Bob a frame under it (Alice's own event body, with
    // her own signature on the comment), sealed by Carl as himself: the only way he can.
    carl = await connectBackend(relay.backendsUrl, C)
    const sealedCarl = new SealedPeer(carl, C)
    await sealedCarl.hello(B.id)
    sealedCarl.send(B.id, JSON.parse(row.payload) as DomainEvent, row.eventId)
    await until('Bob to have handled the forged frame', async () =>
      bob.inbox().some((r) => r.fromId === C.id && r.eventId === row.eventId) ? true : undefined,
    )

    await alice.restart()
    await alice.linked()
    const comments = await until('the real comment at Bob', async () => {
      const list = (
        await bob.get<Array<{ body: string; author: { id: string } }>>(`/ideas/${idea.id}/comments`)
      ).body
      return list?.some((c) => c.body === 'the real comment') ? list : undefined
    })
    expect(comments.map((c) => [c.body, c.author.id])).toEqual([['the real comment', A.id]])
    const inbox = bob.inbox().filter((r) => r.eventId === row.eventId)
    expect(inbox.find((r) => r.fromId === A.id)?.outcome).toBe('applied')
    expect(inbox.find((r) => r.fromId === C.id)?.outcome).not.toBe('applied')
    record('inbox collision', { badInputs: 1, refused: 1, eventsSent: 1, lost: 0, duplicated: 0, crashes: 0 })
  })
})
