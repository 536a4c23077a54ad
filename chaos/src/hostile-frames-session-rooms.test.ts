import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './lib/counters.js'
import { knobs } from './lib/env.js'
import { SessionFlow } from './lib/flow.js'
import { sample } from './lib/fuzz.js'
import { sessionHostile } from './lib/fuzz-session.js'
import { fuzzSummary, fuzzUnderFlow } from './lib/hostile-runner.js'
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
    const report = r.flow
    const { tried, refused, mismatches } = r.all
    const growth = r.growth
    console.log(fuzzSummary('session rooms', 'messages', 'alice↔bob', r))
    for (const m of mismatches.slice(0, 10)) console.log('  mismatch', JSON.stringify(m))
    const crashes = relay.crashes() + (relay.proc.alive ? 0 : 1)
    record('hostile frames: session rooms', {
      badInputs: tried,
      refused,
      eventsSent: report.sent,
      lost: report.lost,
      duplicated: report.duplicated,
      crashes,
    })

    expect(crashes).toBe(0)
    expect((await relay.health()).status).toBe('healthy')
    expect(mismatches).toEqual([])
    expect(tried).toBe(inputs.length)
    expect(refused).toBe(tried)
    expect(flow.perPhase.get('during fuzz') ?? 0).toBeGreaterThan(0)
    expect(report.lost).toBe(0)
    expect(report.duplicated).toBe(0)
    expect(a.open && b.open).toBe(true)
    expect(growth).toBeLessThanOrEqual(0.1)
    await a.close()
    await b.close()
  })
})
