import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './lib/counters.js'
import { knobs } from './lib/env.js'
import { BackendFlow, percentile } from './lib/flow.js'
import { backendHostile, sample } from './lib/fuzz.js'
import { merge, runHostile } from './lib/hostile-runner.js'
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
    flow.start(20)

    const inputs = sample(backendHostile(MAX_PAYLOAD), knobs.fuzzFrames, knobs.seed, MAX_PAYLOAD)
    const warm = await runHostile(inputs.slice(0, 300), openFuzzer)
    const before = await inspector.memoryAfterGc()
    flow.phase = 'during fuzz'
    const main = await runHostile(inputs.slice(300), openFuzzer)
    flow.phase = 'after'
    const after = await inspector.memoryAfterGc()
    const report = await flow.finish()

    const all = merge(warm, main)
    const { tried, refused, mismatches } = all
    const kinds = all.byKind
    const growth = (after.heapUsed - before.heapUsed) / before.heapUsed
    console.log(
      [
        `backend socket: ${tried} hostile frames, ${refused} answered as documented, ${all.closes} closes`,
        `  kinds: ${JSON.stringify(kinds)}`,
        `  heap after GC: ${(before.heapUsed / 1e6).toFixed(2)} MB → ${(after.heapUsed / 1e6).toFixed(2)} MB (${(growth * 100).toFixed(1)} %), rss ${(before.rss / 1e6).toFixed(1)} → ${(after.rss / 1e6).toFixed(1)} MB`,
        `  flow A↔B: ${report.sent} events (${flow.perPhase.get('during fuzz') ?? 0} during the fuzz), ${report.lost} lost, ${report.duplicated} duplicated, p50 ${percentile(report.latenciesMs, 50).toFixed(2)} ms, p99 ${percentile(report.latenciesMs, 99).toFixed(2)} ms`,
      ].join('\n'),
    )
    for (const m of mismatches.slice(0, 10)) console.log('  mismatch', JSON.stringify(m))
    const crashes = relay.crashes()
    record('hostile frames: backend socket', {
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
