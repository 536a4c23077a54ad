import { uuidv7 } from 'uuidv7'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './lib/counters.js'
import { knobs } from './lib/env.js'
import { Relay } from './lib/relay.js'
import { user } from './lib/users.js'
import { until } from './lib/wait.js'
import { type Conn, connectBackend } from './lib/ws-client.js'

describe('abuse: connection storm', () => {
  let relay: Relay

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-storm' })
  })
  afterAll(async () => {
    await relay?.stop()
  })

  it('serves every one of 2,000 backends connecting at once: welcome, then an event each way', async () => {
    const n = knobs.stormConnections
    const users = Array.from({ length: n }, (_, i) => user(0x24, i + 1))
    const t0 = performance.now()
    const settled = await Promise.allSettled(users.map((u) => connectBackend(relay.backendsUrl, u)))
    const connectMs = performance.now() - t0
    const conns = settled
      .filter((s): s is PromiseFulfilledResult<Conn> => s.status === 'fulfilled')
      .map((s) => s.value)
    const failures = settled
      .filter((s) => s.status === 'rejected')
      .map((s) => String((s as PromiseRejectedResult).reason))
    const health = await relay.health()

    // Each sends one event to the next user in the ring; each receives exactly one and acks it.
    const ids = conns.map(() => uuidv7())
    conns.forEach((c, i) => {
      const to = conns[(i + 1) % conns.length]?.user?.id
      c.send({ type: 'send', id: ids[i], to: [to], event: { type: 'typing', ideaId: uuidv7() } })
    })
    await until(
      'every event delivered and acked',
      () => conns.every((c, i) => c.frames.some((f) => f.type === 'ack' && f.id === ids[i])),
      { timeoutMs: 60_000, intervalMs: 100 },
    ).catch(() => undefined)
    const acked = conns.filter((c, i) => c.frames.some((f) => f.type === 'ack' && f.id === ids[i])).length
    const received = conns.reduce((s, c) => s + c.ofType('event').length, 0)
    const duplicated =
      received - new Set(conns.flatMap((c) => c.ofType('event').map((f) => String(f.id)))).size
    console.log(
      `storm: ${n} backends at once, ${conns.length} welcomed in ${connectMs.toFixed(0)} ms (relay active_users ${health.active_users}), ${acked} events delivered and acked, ${failures.length} failed${failures.length > 0 ? `: ${failures.slice(0, 3).join('; ')}` : ''}`,
    )
    await Promise.all(conns.map((c) => c.close()))
    await until('relay back to no users', async () => (await relay.health()).active_users === 0)
    record('abuse: 2,000 at once', {
      eventsSent: conns.length,
      lost: conns.length - acked,
      duplicated,
      crashes: relay.crashes(),
    })

    expect(failures).toEqual([])
    expect(conns.length).toBe(n)
    expect(health.active_users).toBe(n)
    expect(acked).toBe(n)
    expect(duplicated).toBe(0)
    expect(relay.crashes()).toBe(0)
  })
})
