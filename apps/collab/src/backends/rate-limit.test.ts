import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectBackend, USER_A, USER_B } from '../test-support/backend-client.js'
import { type Relay, startRelay, until } from '../test-support/relay.js'

describe('per-connection rate limit (token bucket)', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ RATE_LIMIT_PER_SEC: '5', RATE_LIMIT_BURST: '5' })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('sends error rate_limited, then closes with 1008 when the backend keeps going', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    for (let i = 0; i < 30; i++) a.send({ type: 'watch', userIds: [] })
    const err = await a.next('rate_limited', (f) => f.type === 'error')
    expect(err).toMatchObject({ type: 'error', code: 'rate_limited' })
    expect(a.of('error')).toHaveLength(1)
    expect((await a.waitClosed()).code).toBe(1008)
  })

  it('lets a backend that slows down after the warning carry on', async () => {
    const b = await connectBackend(relay.wsUrl, USER_B)
    for (let i = 0; i < 6; i++) b.send({ type: 'watch', userIds: [] })
    await b.next('rate_limited', (f) => f.type === 'error' && f.code === 'rate_limited')
    // Probe below the rate until a frame is served again (the bucket refills at 5/s).
    await until('a frame to be served again', async () => {
      b.send({ type: 'nonsense' })
      await new Promise((r) => setTimeout(r, 300))
      return b.of('error').some((f) => f.code === 'unknown_type')
    })
    expect(b.closed).toBeUndefined()
    b.close()
  })
})
