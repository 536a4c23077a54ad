import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Backend, befriend, settle } from './lib/backend.js'
import { record } from './lib/counters.js'
import { knobs } from './lib/env.js'
import { Rng } from './lib/random.js'
import { Relay } from './lib/relay.js'
import { differences, ledger, Workload } from './lib/state.js'
import { user } from './lib/users.js'
import { sleep } from './lib/wait.js'

describe('relay crash', () => {
  let relay: Relay
  let backends: Backend[] = []

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-crash' })
    backends = await Promise.all(
      ['Ann', 'Ben', 'Cal'].map((name, i) => Backend.start(user(0x31, i + 1, `Crash ${name}`), relay)),
    )
    for (const b of backends) await b.linked()
  })
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.stop()))
    await relay?.stop()
  })

  it('three backends converge on the owners’ state with 0 lost and 0 applied twice while the relay is SIGKILLed and restarted', async () => {
    const rng = new Rng(knobs.seed)
    const [a, b, c] = backends as [Backend, Backend, Backend]
    await befriend(a, b)
    await befriend(b, c)
    await befriend(a, c)
    const work = new Workload(backends, rng)
    for (const owner of backends) {
      for (let i = 0; i < 2; i++)
        await work.createShared(
          owner,
          backends.filter((o) => o !== owner),
        )
    }

    // Kill the relay at random moments while the stream runs.
    let kills = 0
    let downMs = 0
    const killer = (async () => {
      for (; kills < knobs.relayKills; ) {
        await sleep(rng.int(300, 2500))
        await relay.crash()
        kills += 1
        const down = rng.int(0, 800)
        downMs += down
        await sleep(down)
        await relay.restart()
      }
    })()
    const outboxRows = () => backends.reduce((s, x) => s + x.outbox().length, 0)
    let steps = 0
    let done = false
    void killer.then(() => {
      done = true
    })
    while (!done || outboxRows() < knobs.crashEvents) {
      await work.step()
      steps += 1
      await sleep(rng.int(5, 40))
    }
    await killer

    await settle(backends, 180_000)
    const diffs = await differences(backends)
    const l = ledger(backends)
    let duplicated = 0
    let caught = 0
    const perBackend: string[] = []
    for (const x of backends) {
      const handled = await x.handledTotal()
      const inbox = x.inbox().length
      const times = handled.applied + handled.ignored + handled.refused
      duplicated += Math.max(0, times - inbox)
      caught += handled.duplicate
      perBackend.push(
        `${x.user.name}: inbox ${inbox}, handled ${times} (applied ${handled.applied}), redeliveries dropped ${handled.duplicate}`,
      )
    }
    console.log(
      [
        `relay crash: ${kills} SIGKILLs (down ${downMs} ms in all), ${steps} API operations (${work.ok} taken, ${work.refused} refused, ${work.failed} without an answer), ${l.sent} durable events`,
        `  lost ${l.missing.length}, unacked ${l.unacked}, applied twice ${duplicated}, differences ${diffs.length}`,
        ...perBackend.map((p) => `  ${p}`),
      ].join('\n'),
    )
    for (const d of [...diffs, ...l.missing].slice(0, 20)) console.log(`  ${d}`)
    const crashes = backends.reduce((s, x) => s + x.crashes(), 0) + relay.crashes()
    record(
      'relay crash (SIGKILL ×20)',
      {
        faults: kills,
        eventsSent: l.sent,
        lost: l.missing.length + l.unacked,
        duplicated,
        crashes,
      },
      [`${caught} redeliveries dropped by the inboxes`],
    )

    expect(kills).toBe(knobs.relayKills)
    expect(l.sent).toBeGreaterThanOrEqual(knobs.crashEvents)
    expect(l.missing).toEqual([])
    expect(l.unacked).toBe(0)
    expect(duplicated).toBe(0)
    expect(diffs).toEqual([])
    expect(crashes).toBe(0)
  }, 360_000)
})
