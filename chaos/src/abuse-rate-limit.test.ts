import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './lib/counters.js'
import { BackendFlow, percentile } from './lib/flow.js'
import { Relay } from './lib/relay.js'
import { user } from './lib/users.js'
import { connectBackend } from './lib/ws-client.js'

const FLOOD = 30_000

describe('abuse: rate limit', () => {
  let relay: Relay

  beforeAll(async () => {
    // The documented defaults: 2,000 frames/s per connection, bursts of 4,000.
    relay = await Relay.start({ name: 'relay-rate-limit' })
  })
  afterAll(async () => {
    await relay?.stop()
  })

  it('cuts off a client over its rate limit (error rate_limited, then 1008) while others are unaffected', async () => {
    const a = await connectBackend(relay.backendsUrl, user(0x21, 1, 'Steady A'))
    const b = await connectBackend(relay.backendsUrl, user(0x21, 2, 'Steady B'))
    const abuser = await connectBackend(relay.backendsUrl, user(0x21, 3, 'Flooder'))
    const flow = new BackendFlow(a, b)
    flow.start(10)
    flow.phase = 'during flood'

    // As fast as the socket takes them: far over 4,000 in the first second.
    const frame = JSON.stringify({ type: 'watch', userIds: [] })
    let written = 0
    for (; written < FLOOD && abuser.open; written++) abuser.ws.send(frame)
    const closed = await Promise.race([
      abuser.closed,
      new Promise<{ code: number; reason: string }>((r) =>
        setTimeout(() => r({ code: 0, reason: 'still open after 15 s' }), 15_000),
      ),
    ])
    flow.phase = 'after'
    const report = await flow.finish()

    const limited = abuser.ofType('error').filter((f) => f.code === 'rate_limited')
    console.log(
      `rate limit: flooder wrote ${written} frames, got ${limited.length} rate_limited error(s), closed ${closed.code} ${closed.reason}; steady pair ${report.sent} events (${flow.perPhase.get('during flood') ?? 0} during the flood), ${report.lost} lost, p50 ${percentile(report.latenciesMs, 50).toFixed(2)} ms, p99 ${percentile(report.latenciesMs, 99).toFixed(2)} ms`,
    )
    record('abuse: rate limit', {
      faults: 1,
      badInputs: written,
      refused: closed.code === 1008 ? 1 : 0,
      eventsSent: report.sent,
      lost: report.lost,
      duplicated: report.duplicated,
      crashes: relay.crashes(),
    })

    expect(limited.length).toBeGreaterThan(0)
    expect(closed.code).toBe(1008)
    expect(a.open && b.open).toBe(true)
    expect(report.lost).toBe(0)
    expect(report.duplicated).toBe(0)
    expect(a.ofType('error')).toEqual([])
    expect(b.ofType('error')).toEqual([])
    expect(relay.crashes()).toBe(0)
    await a.close()
    await b.close()
  })
})
