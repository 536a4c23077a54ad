import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { knobs } from './lib/env.js'
import { BackendFlow } from './lib/flow.js'
import { sample } from './lib/fuzz.js'
import { backendHostile } from './lib/fuzz-backend.js'
import { expectFuzzHeld, fuzzSummary, fuzzUnderFlow, reportFuzz } from './lib/hostile-runner.js'
import { Relay } from './lib/relay.js'
import { user } from './lib/users.js'
import { connectBackend } from './lib/ws-client.js'

const MAX_PAYLOAD = 64 * 1024

describe('hostile frames: backend socket', () => {
  let relay: Relay

  beforeAll(async () => {
    relay = await Relay.start({
      name: 'relay-fuzz-backends',
      inspect: true,
      // The fuzzer waits for each answer; the rate limiter has its own scenario.
      env: {
        MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
        RATE_LIMIT_PER_SEC: '1000000',
        RATE_LIMIT_BURST: '1000000',
      },
    })
  })
  afterAll(async () => {
    await relay?.stop()
  })

  it('answers every malformed, truncated, oversized, wrong-typed or random frame; others keep flowing; memory returns', async () => {
    const inspector = relay.inspector
    if (inspector === undefined) throw new Error('relay started without an inspector')
    let n = 0x1000
    // Each replacement connection is a new user, so a close is never a 4000 "replaced".
    const openFuzzer = () => connectBackend(relay.backendsUrl, user(0x11, ++n, `Fuzzer ${n}`))
    const a = await connectBackend(relay.backendsUrl, user(0x11, 1, 'Flow A'))
    const b = await connectBackend(relay.backendsUrl, user(0x11, 2, 'Flow B'))
    const flow = new BackendFlow(a, b)
    const inputs = sample(backendHostile(MAX_PAYLOAD), knobs.fuzzFrames, knobs.seed, MAX_PAYLOAD)
    const r = await fuzzUnderFlow(inputs, openFuzzer, flow, () => inspector.memoryAfterGc())
    const crashes = relay.crashes()
    reportFuzz(
      'hostile frames: backend socket',
      fuzzSummary('backend socket', 'frames', 'A↔B', r),
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
