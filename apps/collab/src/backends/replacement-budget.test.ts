import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectBackend,
  eventId,
  refusedStatus,
  tokenFor,
  typing,
  USER_A,
  USER_C,
} from '../test-support/backend-client.js'
import { type Relay, startRelay } from '../test-support/relay.js'

describe("a user's link replaced over and over", () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay()
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('is refused with 429 past its budget, logged and counted, and the live link keeps its place', async () => {
    // Two holders of one token taking turns: each connection replaces the one before it.
    let live = await connectBackend(relay.wsUrl, USER_C)
    for (let i = 0; i < 6; i++) {
      const next = await connectBackend(relay.wsUrl, USER_C)
      expect(await live.waitClosed()).toEqual({ code: 4000, reason: 'replaced' })
      live = next
    }
    const token = await tokenFor(USER_C)
    expect(await refusedStatus(relay.wsUrl, { authorization: `Bearer ${token}` })).toBe(429)

    // The link that holds the place still gets what is sent to it.
    const a = await connectBackend(relay.wsUrl, USER_A)
    const id = eventId()
    a.send({ type: 'send', id, to: [USER_C.id], event: typing() })
    await live.next('the event on the live link', (f) => f.type === 'event' && f.id === id)

    const metrics = await (await fetch(`${relay.url}/metrics`)).text()
    expect(metrics).toMatch(/collab_backend_replacements_total\{outcome="replaced"\} 6\b/)
    expect(metrics).toMatch(/collab_backend_replacements_total\{outcome="refused"\} 1\b/)
    expect(relay.output()).toContain('replaced too often')
    a.close()
    live.close()
  })
})
