import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Backend, befriend, settle } from './lib/backend.js'
import { record } from './lib/counters.js'
import { knobs } from './lib/env.js'
import { Rng } from './lib/random.js'
import { Relay } from './lib/relay.js'
import { differences, ledger } from './lib/state.js'
import { user } from './lib/users.js'
import { sleep, until } from './lib/wait.js'

const OPS = 400

describe('recipient crash', () => {
  let relay: Relay
  let owner: Backend
  let recipient: Backend

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-recipient-crash' })
    owner = await Backend.start(user(0x32, 1, 'Owner Olga'), relay)
    recipient = await Backend.start(user(0x32, 2, 'Recipient Rex'), relay)
    await owner.linked()
    await recipient.linked()
  })
  afterAll(async () => {
    await owner?.stop()
    await recipient?.stop()
    await relay?.stop()
  })

  it('a recipient SIGKILLed mid-stream keeps everything it acked and converges after restart', async () => {
    const rng = new Rng(knobs.seed + 1)
    await befriend(owner, recipient)
    const ideas: string[] = []
    for (let i = 0; i < 3; i++) {
      const r = await owner.post<{ id: string }>('/ideas', {
        symbol: 'SPY',
        strategy: 'Stock',
        status: 'Planned',
      })
      await owner.put(`/ideas/${r.body.id}/shares`, { userIds: [recipient.user.id] })
      ideas.push(r.body.id)
    }
    // Three kills, each in the middle of a burst, each followed by a restart 30 operations later.
    const killAts = [0, 1, 2].map((k) => 40 + k * 110 + rng.int(0, 40))
    const restartAts = killAts.map((k) => k + 30)
    const ackedBeforeKill = new Set<string>()
    const missingAfterKill: string[] = []
    for (let i = 0; i < OPS; i++) {
      const id = rng.pick(ideas)
      if (rng.next() < 0.5)
        await owner.patch(`/ideas/${id}`, { notes: `n${i}`, status: rng.pick(['Open', 'Watching']) })
      else await owner.post(`/ideas/${id}/comments`, { body: `c${i}` })
      if (killAts.includes(i)) {
        // Kill it in the middle of applying a burst: wait until a few of the burst's events are acked.
        const ackedNow = () =>
          owner.outbox().filter((r) => r.recipientId === recipient.user.id && r.ackedAt !== null).length
        const storedNow = () =>
          recipient.read((db) => (db.prepare('SELECT COUNT(*) AS n FROM Inbox').get() as { n: number }).n)
        const before = storedNow()
        const burst = Promise.all(
          Array.from({ length: 150 }, (_, j) =>
            owner.post(`/ideas/${rng.pick(ideas)}/comments`, { body: `burst ${j}` }),
          ),
        )
        await until('the recipient to be applying the burst', () => storedNow() >= before + 20, {
          intervalMs: 2,
        })
        await recipient.crashNow()
        await burst
        // What the owner was told was stored (acks still on their way are let in), and what the dead
        // recipient's file holds.
        let last = -1
        await until(
          'the owner’s acks to settle',
          () => {
            const n = ackedNow()
            const stable = n === last
            last = n
            return stable
          },
          { intervalMs: 300 },
        )
        const acked = owner
          .outbox()
          .filter((r) => r.recipientId === recipient.user.id && r.ackedAt !== null)
          .map((r) => r.eventId)
        const stored = new Set(recipient.inbox().map((r) => r.eventId))
        for (const e of acked) ackedBeforeKill.add(e)
        missingAfterKill.push(...acked.filter((e) => !stored.has(e)))
      }
      if (restartAts.includes(i)) await recipient.restart()
      await sleep(rng.int(2, 15))
    }
    await settle([owner, recipient], 120_000)
    const diffs = await differences([owner, recipient])
    const l = ledger([owner, recipient])
    const stored = new Set(recipient.inbox().map((r) => r.eventId))
    const lostAcked = [...ackedBeforeKill].filter((e) => !stored.has(e))
    console.log(
      `recipient crash: ${OPS} writes at the owner, recipient SIGKILLed ${killAts.length} times (after operations ${killAts.join(', ')}, each in a burst of 150) with ${ackedBeforeKill.size} events acked (${missingAfterKill.length} of them missing from its file), restarted 30 operations later each time; ${l.sent} durable events, ${l.missing.length} lost, ${l.unacked} unacked, ${diffs.length} differences`,
    )
    for (const d of [...diffs, ...l.missing, ...missingAfterKill].slice(0, 20)) console.log(`  ${d}`)
    record('recipient crash (SIGKILL)', {
      faults: killAts.length,
      eventsSent: l.sent,
      lost: l.missing.length + l.unacked + lostAcked.length + missingAfterKill.length,
      crashes: relay.crashes() + owner.crashes() + recipient.crashes(),
    })

    expect(ackedBeforeKill.size).toBeGreaterThan(0)
    expect(missingAfterKill).toEqual([])
    expect(lostAcked).toEqual([])
    expect(l.missing).toEqual([])
    expect(l.unacked).toBe(0)
    expect(diffs).toEqual([])
  }, 300_000)
})
