import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Backend, befriend, settle } from './lib/backend.js'
import { record } from './lib/counters.js'
import { knobs } from './lib/env.js'
import { Rng } from './lib/random.js'
import { Relay } from './lib/relay.js'
import { differences, ledger } from './lib/state.js'
import { user } from './lib/users.js'
import { sleep } from './lib/wait.js'

type Written = { kind: 'idea' | 'comment' | 'patch'; ideaId: string; id: string }

describe('backend crash mid-write', () => {
  let relay: Relay
  let writer: Backend
  let reader: Backend

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-backend-crash' })
    writer = await Backend.start(user(0x33, 1, 'Writer Wes'), relay)
    reader = await Backend.start(user(0x33, 2, 'Reader Rae'), relay)
    await writer.linked()
    await reader.linked()
  })
  afterAll(async () => {
    await writer?.stop()
    await reader?.stop()
    await relay?.stop()
  })

  it('every write that got a 2xx before the SIGKILL is there after restart and is still delivered', async () => {
    const rng = new Rng(knobs.seed + 2)
    await befriend(writer, reader)
    const ok: Written[] = []
    let failed = 0
    const ideas: string[] = []
    let stop = false
    let n = 0
    // A stream of writes as fast as the backend answers, many in flight at once, until it dies under it.
    const client = async () => {
      while (!stop) {
        const i = ++n
        try {
          const roll = ideas.length === 0 ? 0 : rng.next()
          if (roll < 0.2) {
            const r = await writer.post<{ id: string }>('/ideas', {
              symbol: 'QQQ',
              strategy: 'Stock',
              status: 'Planned',
              notes: `w${i}`,
            })
            if (r.status === 201) {
              const s = await writer.put(`/ideas/${r.body.id}/shares`, { userIds: [reader.user.id] })
              if (s.status === 200) {
                ideas.push(r.body.id)
                ok.push({ kind: 'idea', ideaId: r.body.id, id: r.body.id })
              }
            }
          } else if (roll < 0.6) {
            const ideaId = rng.pick(ideas)
            const r = await writer.post<{ id: string }>(`/ideas/${ideaId}/comments`, { body: `comment ${i}` })
            if (r.status === 201) ok.push({ kind: 'comment', ideaId, id: r.body.id })
          } else {
            const ideaId = rng.pick(ideas)
            const r = await writer.patch<{ id: string }>(`/ideas/${ideaId}`, { notes: `patch ${i}` })
            if (r.status === 200) ok.push({ kind: 'patch', ideaId, id: ideaId })
          }
        } catch {
          failed += 1
          await sleep(20)
        }
      }
    }
    // Twelve writers back to back: the rates group commit is for, many transactions in each commit.
    const started = Date.now()
    const clients = Array.from({ length: 12 }, client)
    await sleep(rng.int(1500, 3500))
    await writer.crashNow()
    const okAtKill = ok.length
    const rate = Math.round((okAtKill * 1000) / (Date.now() - started))
    await sleep(300)
    await writer.restart()
    await sleep(500)
    stop = true
    await Promise.all(clients)
    await writer.linked()
    await settle([writer, reader], 120_000)

    const missing: string[] = []
    const undelivered: string[] = []
    for (const w of ok) {
      if (w.kind === 'comment') {
        const mine = (await writer.get<{ id: string }[]>(`/ideas/${w.ideaId}/comments`)).body
        if (!mine.some((c) => c.id === w.id)) missing.push(`comment ${w.id}`)
        const theirs = (await reader.get<{ id: string }[]>(`/ideas/${w.ideaId}/comments`)).body
        if (!Array.isArray(theirs) || !theirs.some((c) => c.id === w.id)) undelivered.push(`comment ${w.id}`)
      } else {
        const r = await writer.get<{ notes: string }>(`/ideas/${w.ideaId}`)
        if (r.status !== 200) missing.push(`idea ${w.ideaId}`)
        const t = await reader.get<{ notes: string }>(`/ideas/${w.ideaId}`)
        if (t.status !== 200) undelivered.push(`idea ${w.ideaId}`)
      }
    }
    const diffs = await differences([writer, reader])
    const l = ledger([writer, reader])
    console.log(
      `backend crash mid-write: ${okAtKill} writes answered 2xx before the SIGKILL (${rate}/s), ${ok.length} in all (${failed} requests failed with the process), ${missing.length} missing after restart, ${undelivered.length} not delivered; ${l.sent} durable events, ${l.unacked} unacked, ${diffs.length} differences`,
    )
    for (const d of [...missing, ...undelivered, ...diffs].slice(0, 20)) console.log(`  ${d}`)
    record('backend crash mid-write (SIGKILL)', {
      faults: 1,
      eventsSent: l.sent,
      lost: missing.length + undelivered.length + l.missing.length + l.unacked,
      refused: failed,
      crashes: relay.crashes() + writer.crashes() + reader.crashes(),
    })

    expect(okAtKill).toBeGreaterThan(0)
    expect(missing).toEqual([])
    expect(undelivered).toEqual([])
    expect(l.missing).toEqual([])
    expect(l.unacked).toBe(0)
    expect(diffs).toEqual([])
  }, 300_000)
})
