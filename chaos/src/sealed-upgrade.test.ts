import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Backend, befriend, settle } from './lib/backend.js'
import { record } from './lib/counters.js'
import { Relay } from './lib/relay.js'
import { user } from './lib/users.js'
import { until } from './lib/wait.js'

const A = user(0x5d, 1, 'Ada Owner')
const B = user(0x5d, 2, 'Ben Sharee')
const C = user(0x5d, 3, 'Cy Newcomer')

type CommentRow = { id: string; body: string; author: { id: string } }

/**
 * Databases from before sealed events: friends with a shared idea and a thread, no keys anywhere (the
 * schema as it was: no key table, no comment signatures, no key files). After the upgrade they open,
 * exchange keys at their next contact, and carry on: nothing lost, nothing applied twice.
 */
describe('sealed events: upgrading databases from before them', () => {
  let relay: Relay
  let ada: Backend
  let ben: Backend
  let cy: Backend
  let ideaId = ''

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-sealed-upgrade' })
    ;[ada, ben, cy] = await Promise.all([
      Backend.start(A, relay),
      Backend.start(B, relay),
      Backend.start(C, relay),
    ])
    await Promise.all([ada.linked(), ben.linked(), cy.linked()])
    await befriend(ada, ben)
    await befriend(ada, cy)
    ideaId = (await ada.post<{ id: string }>('/ideas', { symbol: 'AMD', strategy: 'Stock', status: 'Open' }))
      .body.id
    expect((await ada.put(`/ideas/${ideaId}/shares`, { userIds: [B.id] })).status).toBe(200)
    await until('the idea at Ben', async () => (await ben.get(`/ideas/${ideaId}`)).status === 200)
    expect((await ben.post(`/ideas/${ideaId}/comments`, { body: 'Ben before the upgrade' })).status).toBe(201)
    expect((await ada.post(`/ideas/${ideaId}/comments`, { body: 'Ada before the upgrade' })).status).toBe(201)
    for (const b of [ada, ben]) {
      await until(`both comments at ${b.user.name}`, async () => (await bodies(b)).length === 2)
    }
    // Every event acked and its ack written first: a row still unacked at the stop would go again after
    // the restart, and its hello would pin keys before the test looks.
    await settle([ada, ben, cy], 60_000)
    // Back to the schema before sealed events, with no keys: what an older build left on disk.
    await Promise.all([ada.stop(), ben.stop(), cy.stop()])
    for (const b of [ada, ben, cy]) {
      b.read((db) => {
        db.exec(`DROP TABLE "PeerKey"; ALTER TABLE "Comment" DROP COLUMN "signature";
          DELETE FROM "_prisma_migrations" WHERE migration_name = '20261212090000_sealed_events';`)
      })
      rmSync(b.dbFile.replace(/\.db$/, '.keys'))
    }
    await Promise.all([ada.restart(), ben.restart(), cy.restart()])
    await Promise.all([ada.linked(), ben.linked(), cy.linked()])
  })
  afterAll(async () => {
    await Promise.all([ada?.stop(), ben?.stop(), cy?.stop()])
    await relay?.stop()
  })

  const bodies = async (b: Backend) =>
    (await b.get<CommentRow[]>(`/ideas/${ideaId}/comments`)).body.map((c) => c.body).sort()

  it('keeps everything, exchanges keys at the next contact and delivers as before', async () => {
    for (const b of [ada, ben])
      expect(await bodies(b)).toEqual(['Ada before the upgrade', 'Ben before the upgrade'])
    // Friends from before have no keys yet.
    const before = (await ada.get<Array<{ id: string; fingerprint: string | null }>>('/friends')).body
    expect(before.every((f) => f.fingerprint === null)).toBe(true)

    // The next contact: each side's events wait for a hello, then go sealed.
    expect((await ada.post(`/ideas/${ideaId}/comments`, { body: 'Ada after' })).status).toBe(201)
    expect((await ben.post(`/ideas/${ideaId}/comments`, { body: 'Ben after' })).status).toBe(201)
    const all = ['Ada after', 'Ada before the upgrade', 'Ben after', 'Ben before the upgrade']
    for (const b of [ada, ben]) {
      await until(`the new comments at ${b.user.name}`, async () => (await bodies(b)).length === 4, {
        timeoutMs: 60_000,
      })
      expect(await bodies(b)).toEqual(all)
    }
    const fpBen = (await ben.get<{ fingerprint: string }>('/me')).body.fingerprint
    await until(
      'Ben’s keys pinned at Ada',
      async () =>
        (await ada.get<Array<{ id: string; fingerprint: string | null }>>('/friends')).body.find(
          (f) => f.id === B.id,
        )?.fingerprint === fpBen,
    )

    // Someone new gets the thread: Ada's own old comment (she signs it now) and everything signed; Ben's
    // comment from before carries no signature of his, and nobody may sign for him, so it stays behind.
    expect((await ada.put(`/ideas/${ideaId}/shares`, { userIds: [B.id, C.id] })).status).toBe(200)
    await until('the thread at Cy', async () => (await bodies(cy)).length === 3, { timeoutMs: 60_000 })
    expect(await bodies(cy)).toEqual(['Ada after', 'Ada before the upgrade', 'Ben after'])

    // Nothing refused that should have been applied, nothing applied twice.
    for (const b of [ada, ben, cy]) {
      const d = await b.delivery()
      expect(d.refusals.cannot_open ?? 0).toBe(0)
      expect(d.refusals.bad_signature ?? 0).toBe(0)
    }
    const benComments = (await ben.get<CommentRow[]>(`/ideas/${ideaId}/comments`)).body
    expect(new Set(benComments.map((c) => c.id)).size).toBe(benComments.length)
    record('sealed events: upgrade', { eventsSent: 4, lost: 0, duplicated: 0, crashes: 0 })
  })
})
