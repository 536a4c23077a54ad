import { uuidv7 } from 'uuidv7'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './lib/counters.js'
import { knobs, LONG } from './lib/env.js'
import { metric } from './lib/metrics.js'
import { Rng } from './lib/random.js'
import { Relay } from './lib/relay.js'
import { user } from './lib/users.js'
import { sleep, until } from './lib/wait.js'
import { type Conn, connectBackend } from './lib/ws-client.js'

/** Events each backend sends per second. */
const RATE = 8

describe('soak', () => {
  let relay: Relay
  let conns: Conn[] = []

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-soak', inspect: true })
  })
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.close()))
    await relay?.stop()
  })

  it(
    `${knobs.soakBackends} backends of steady traffic for ${knobs.soakSeconds} s: nothing lost, memory and event-loop lag flat`,
    async () => {
      const inspector = relay.inspector
      if (inspector === undefined) throw new Error('relay started without an inspector')
      const rng = new Rng(knobs.seed + 3)
      const sent = new Map<string, string>() // event id → recipient
      const received = new Map<string, number>()
      const acked = new Set<string>()
      const users = Array.from({ length: knobs.soakBackends }, (_, i) => user(0x40, i + 1, `Soak ${i + 1}`))
      conns = await Promise.all(
        users.map((u) =>
          connectBackend(relay.backendsUrl, u, {
            onFrame: (f) => {
              if (f.type === 'event' && typeof f.id === 'string')
                received.set(f.id, (received.get(f.id) ?? 0) + 1)
              if (f.type === 'ack' && typeof f.id === 'string') acked.add(f.id)
            },
          }),
        ),
      )
      for (const c of conns)
        c.send({ type: 'watch', userIds: users.filter((u) => u !== c.user).map((u) => u.id) })

      const readLag = await inspector.startLagProbe()
      const tickMs = 1000 / RATE
      let running = true
      const senders = conns.map(async (c, i) => {
        await sleep((i * tickMs) / conns.length)
        while (running) {
          const to = rng.pick(users.filter((u) => u !== c.user))
          const id = uuidv7()
          sent.set(id, to.id)
          c.send({
            type: 'send',
            id,
            to: [to.id],
            event: { type: 'comment_added', ideaId: uuidv7(), body: 'soak' },
          })
          await sleep(tickMs)
        }
      })

      // Warm-up, then the baseline after a full GC.
      await sleep(Math.min(5000, (knobs.soakSeconds * 1000) / 6))
      const base = await inspector.memoryAfterGc()
      await readLag()
      const started = Date.now()
      const every = LONG ? 30_000 : 10_000
      const samples: string[] = []
      while (Date.now() - started < knobs.soakSeconds * 1000) {
        await sleep(Math.min(every, knobs.soakSeconds * 1000 - (Date.now() - started)))
        const m = await relay.metrics()
        const lag = await readLag()
        const line = `t=${Math.round((Date.now() - started) / 1000)}s rss ${((metric(m, 'process_resident_memory_bytes') ?? 0) / 1e6).toFixed(1)} MB heap ${((metric(m, 'nodejs_heap_size_used_bytes') ?? 0) / 1e6).toFixed(1)} MB event-loop lag mean ${lag.meanMs.toFixed(2)} ms max ${lag.maxMs.toFixed(0)} ms, ${sent.size} sent, ${acked.size} acked`
        samples.push(line)
        console.log(`soak ${line}`)
      }
      running = false
      await Promise.all(senders)
      await until('every soak event acked', () => acked.size >= sent.size, { timeoutMs: 30_000 }).catch(
        () => undefined,
      )
      const end = await inspector.memoryAfterGc()

      let lost = 0
      let duplicated = 0
      for (const id of sent.keys()) {
        const n = received.get(id) ?? 0
        if (n === 0 || !acked.has(id)) lost += 1
        if (n > 1) duplicated += n - 1
      }
      const growth = (end.heapUsed - base.heapUsed) / base.heapUsed
      console.log(
        `soak: ${conns.length} backends × ${RATE} events/s for ${knobs.soakSeconds} s: ${sent.size} events, ${lost} lost, ${duplicated} duplicated; heap after GC ${(base.heapUsed / 1e6).toFixed(2)} → ${(end.heapUsed / 1e6).toFixed(2)} MB (${(growth * 100).toFixed(1)} %), rss ${(base.rss / 1e6).toFixed(1)} → ${(end.rss / 1e6).toFixed(1)} MB`,
      )
      record(
        `soak (${knobs.soakSeconds} s)`,
        { eventsSent: sent.size, lost, duplicated, crashes: relay.crashes() },
        [`heap after GC ${(base.heapUsed / 1e6).toFixed(1)} → ${(end.heapUsed / 1e6).toFixed(1)} MB`],
      )

      expect(lost).toBe(0)
      expect(duplicated).toBe(0)
      expect(conns.every((c) => c.open)).toBe(true)
      expect(relay.crashes()).toBe(0)
      // Flat: after a full GC the heap is where it was after warm-up, within 20 %.
      expect(growth).toBeLessThanOrEqual(0.2)
    },
    (knobs.soakSeconds + 120) * 1000,
  )
})
