import { describe, expect, it } from 'vitest'
import { connectBackend, refusedStatus, tokenFor, USER_A, USER_B } from '../test-support/backend-client.js'
import { startRelayProcess } from '../test-support/relay.js'

describe('graceful shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: drain to every backend, close 1001, exit 0, port free at once`, async () => {
      const relay = await startRelayProcess()
      const a = await connectBackend(relay.wsUrl, USER_A)
      const b = await connectBackend(relay.wsUrl, USER_B)
      const code = await relay.stop(signal)
      expect(code).toBe(0)
      for (const backend of [a, b]) {
        expect(backend.of('drain')).toEqual([{ type: 'drain', reason: 'shutdown' }])
        expect((await backend.waitClosed()).code).toBe(1001)
      }
      // A restart on the same port works immediately.
      const again = await startRelayProcess({}, relay.port)
      const c = await connectBackend(again.wsUrl, USER_A)
      c.close()
      expect(await again.stop()).toBe(0)
    })
  }

  it('refuses a new backend with 503 while it drains (reconnect shortly, or to another node)', async () => {
    const relay = await startRelayProcess()
    const a = await connectBackend(relay.wsUrl, USER_A)
    const token = await tokenFor(USER_B)
    const stopped = relay.stop('SIGTERM')
    // A stays connected after its `drain`, so the relay is still draining when B knocks.
    await a.next('drain', (f) => f.type === 'drain')
    expect(await refusedStatus(relay.wsUrl, { authorization: `Bearer ${token}` })).toBe(503)
    expect(await stopped).toBe(0)
  })
})
