import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { connectBackend, TestBackend, tokenFor, USER_A, USER_B } from '../test-support/backend-client.js'
import { type Relay, startRelay } from '../test-support/relay.js'

describe('heartbeat', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ HEARTBEAT_MS: '150' })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('terminates a backend that misses two pongs; its watchers see it go offline; live ones stay', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    let pings = 0
    a.ws.on('ping', () => pings++)
    a.send({ type: 'watch', userIds: [USER_B.id] })

    // B's client does not answer pings.
    const ws = new WebSocket(`${relay.wsUrl}/v1/backends`, {
      headers: { authorization: `Bearer ${await tokenFor(USER_B)}` },
      autoPong: false,
    })
    const b = new TestBackend(ws)
    await b.next('welcome', (f) => f.type === 'welcome')
    b.send({ type: 'watch', userIds: [USER_A.id] })
    await a.next('B online', (f) => f.type === 'presence' && f.online === true)

    const closed = await b.waitClosed()
    expect(closed.code).toBe(1006)
    await a.next('B offline', (f) => f.type === 'presence' && f.online === false)
    expect(a.closed).toBeUndefined()
    expect(pings).toBeGreaterThanOrEqual(2)
    a.close()
  })
})
