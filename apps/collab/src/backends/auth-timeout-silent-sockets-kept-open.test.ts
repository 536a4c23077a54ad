import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectBackend, USER_A } from '../test-support/backend-client.js'
import { type Relay, startRelay, until } from '../test-support/relay.js'

// Regression: AUTH_TIMEOUT_MS only reached sockets that kept sending header bytes (Node's
// headersTimeout). A socket that connected and sent nothing, or stopped in the middle of its request
// line or headers, stayed open indefinitely, holding a file descriptor each.
describe('auth timeout: silent and half-sent connections are dropped', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ AUTH_TIMEOUT_MS: '500' })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('closes connections that send nothing, half a request line, or headers without their end', async () => {
    const sends = ['', 'GET /v1/back', 'GET /v1/backends HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n']
    const closed: boolean[] = []
    const sockets: Socket[] = []
    for (const [i, text] of sends.flatMap((t) => Array.from({ length: 10 }, () => t)).entries()) {
      closed[i] = false
      const s = connect(relay.port, '127.0.0.1', () => {
        if (text.length > 0) s.write(text)
      })
      s.on('error', () => {})
      s.on('close', () => {
        closed[i] = true
      })
      sockets.push(s)
    }
    await until('every unfinished connection to be dropped', () => closed.every(Boolean), 10_000).catch(
      () => undefined,
    )
    const open = closed.filter((c) => !c).length
    for (const s of sockets) s.destroy()
    expect(open).toBe(0)
    // A backend that finishes its upgrade is not affected, also after the timeout has passed.
    const a = await connectBackend(relay.wsUrl, USER_A)
    await new Promise((r) => setTimeout(r, 800))
    expect(a.closed).toBeUndefined()
    a.close()
  })
})
