import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectBackend, USER_A } from '../test-support/backend-client.js'
import { type Relay, startRelay } from '../test-support/relay.js'

// Regression: a backend flooding at twice the rate was never closed. Every refill let one frame
// through, which ended the rate-limit episode, so the dropped-frame count never reached the limit;
// the flooder got a fresh `rate_limited` error every few milliseconds instead of a 1008.
describe('rate limit: a sustained flood over the rate is closed', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ RATE_LIMIT_PER_SEC: '200', RATE_LIMIT_BURST: '200' })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('closes with 1008 a backend that keeps sending at twice the rate', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    // 20 frames every 50 ms = 400 frames/s against 200/s: some always get through, most do not.
    const deadline = Date.now() + 5000
    while (a.closed === undefined && Date.now() < deadline) {
      for (let i = 0; i < 20; i++) a.send({ type: 'watch', userIds: [] })
      await new Promise((r) => setTimeout(r, 50))
    }
    expect((await a.waitClosed()).code).toBe(1008)
    a.close()
  })
})
