import type { Socket } from 'node:net'
import { uuidv7 } from 'uuidv7'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './lib/counters.js'
import { BackendFlow, percentile } from './lib/flow.js'
import { Relay } from './lib/relay.js'
import { user } from './lib/users.js'
import { connectBackend } from './lib/ws-client.js'

const EVENT_BYTES = 60 * 1024
/** Far beyond the relay's 4 MiB bound plus what the kernel's socket buffers can hold. */
const TOTAL_BYTES = 48 * 1024 * 1024

describe('abuse: slow consumer', () => {
  let relay: Relay

  beforeAll(async () => {
    relay = await Relay.start({ name: 'relay-slow-consumer' })
  })
  afterAll(async () => {
    await relay?.stop()
  })

  it('closes a consumer that never reads with 1013 at its buffer bound while others keep flowing', async () => {
    const sender = await connectBackend(relay.backendsUrl, user(0x22, 1, 'Sender'))
    const slow = await connectBackend(relay.backendsUrl, user(0x22, 2, 'Never Reads'))
    const marker = await connectBackend(relay.backendsUrl, user(0x22, 3, 'Marker'))
    const a = await connectBackend(relay.backendsUrl, user(0x22, 4, 'Steady A'))
    const b = await connectBackend(relay.backendsUrl, user(0x22, 5, 'Steady B'))
    const flow = new BackendFlow(a, b)
    flow.start(10)
    await new Promise((r) => setTimeout(r, 200))
    const baseline = [...flow.latencies]

    // The slow consumer stops reading from its socket: the relay's writes to it pile up.
    ;(slow.ws as unknown as { _socket: Socket })._socket.pause()
    flow.phase = 'during flood'
    const pad = 'x'.repeat(EVENT_BYTES)
    const count = Math.ceil(TOTAL_BYTES / EVENT_BYTES)
    for (let i = 0; i < count; i++) {
      sender.send({
        type: 'send',
        id: uuidv7(),
        to: [slow.user?.id],
        event: { type: 'typing', ideaId: uuidv7(), pad },
      })
      // stay under the sender's own rate limit
      if (i % 500 === 499) await new Promise((r) => setTimeout(r, 300))
    }
    // Frames of one connection are handled in order: once this one arrives, all the above were routed.
    const markId = uuidv7()
    sender.send({
      type: 'send',
      id: markId,
      to: [marker.user?.id],
      event: { type: 'typing', ideaId: uuidv7() },
    })
    await marker.next((f) => f.type === 'event' && f.id === markId, { timeoutMs: 60_000 })
    flow.phase = 'after'

    // Read what was buffered; the stream must end in the relay's close.
    ;(slow.ws as unknown as { _socket: Socket })._socket.resume()
    const closed = await Promise.race([
      slow.closed,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000)),
    ])
    const got = slow.ofType('event').length
    const report = await flow.finish()
    const during = flow.latencies.slice(baseline.length)
    console.log(
      `slow consumer: ${count} events of ${EVENT_BYTES / 1024} KiB sent to it, ${got} reached it before it was closed with ${closed?.code ?? 'nothing'} ${closed?.reason ?? ''}; steady pair ${report.sent} events, ${report.lost} lost, latency p50/p99 before ${percentile(baseline, 50).toFixed(2)}/${percentile(baseline, 99).toFixed(2)} ms, during ${percentile(during, 50).toFixed(2)}/${percentile(during, 99).toFixed(2)} ms`,
    )
    record('abuse: slow consumer', {
      faults: 1,
      eventsSent: report.sent,
      lost: report.lost,
      duplicated: report.duplicated,
      refused: closed?.code === 1013 ? 1 : 0,
      crashes: relay.crashes(),
    })

    expect(closed?.code).toBe(1013)
    expect(got).toBeLessThan(count)
    expect(sender.open && a.open && b.open && marker.open).toBe(true)
    expect(report.lost).toBe(0)
    expect(report.duplicated).toBe(0)
    expect(relay.crashes()).toBe(0)
    for (const c of [sender, marker, a, b]) await c.close()
  })
})
