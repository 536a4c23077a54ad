import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { knobs } from './lib/env.js'
import { SessionFlow } from './lib/flow.js'
import { sample } from './lib/fuzz.js'
import { sessionHostile } from './lib/fuzz-session.js'
import { expectFuzzHeld, fuzzSummary, fuzzUnderFlow, reportFuzz } from './lib/hostile-runner.js'
import { Relay } from './lib/relay.js'
import { openSocket } from './lib/ws-client.js'

const MAX_PAYLOAD = 64 * 1024

describe('hostile frames: session rooms', () => {
  let relay: Relay

  beforeAll(async () => {
    relay = await Relay.start({
      name: 'relay-fuzz-sessions',
      inspect: true,
      env: { MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) },
    })
  })
  afterAll(async () => {
    await relay?.stop()
  })

  it('answers every malformed, truncated, oversized, wrong-typed or random message; others keep flowing; memory returns', async () => {
    const inspector = relay.inspector
    if (inspector === undefined) throw new Error('relay started without an inspector')
    let n = 0
    const openFuzzer = async () => {
      const user = `fuzzer-${++n}`
      const c = await openSocket(relay.sessionUrl('fuzz', user), {}, { user: { id: user, name: user } })
      await c.next((f) => f.type === 'connection:ack')
      return c
    }
    const a = await openSocket(
      relay.sessionUrl('flow', 'alice'),
      {},
      { user: { id: 'alice', name: 'alice' } },
    )
    const b = await openSocket(relay.sessionUrl('flow', 'bob'), {}, { user: { id: 'bob', name: 'bob' } })
    await b.next((f) => f.type === 'connection:ack')
    await a.next((f) => f.type === 'user:joined' && f.user_id === 'bob')
    const flow = new SessionFlow(a, b)
    const inputs = sample(sessionHostile(MAX_PAYLOAD), knobs.fuzzFrames, knobs.seed, MAX_PAYLOAD)
    const r = await fuzzUnderFlow(inputs, openFuzzer, flow, () => inspector.memoryAfterGc())
    const crashes = relay.crashes() + (relay.proc.alive ? 0 : 1)
    reportFuzz(
      'hostile frames: session rooms',
      fuzzSummary('session rooms', 'messages', 'alice↔bob', r),
      r,
      crashes,
    )
    expect(crashes).toBe(0)
    expect((await relay.health()).status).toBe('healthy')
    expectFuzzHeld(r, inputs.length, [a, b])
    await a.close()
    await b.close()
  })
})
