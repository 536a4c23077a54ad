import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectBackend, eventId, USER_A, USER_B, USER_C } from '../test-support/backend-client.js'
import { type Relay, startRelay, until } from '../test-support/relay.js'

const online = async (relay: Relay) =>
  ((await (await fetch(`${relay.url}/api/users/online`)).json()) as Array<{ id: string }>).map((u) => u.id)

describe('a slow consumer', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ SEND_BUFFER_LIMIT_BYTES: String(256 * 1024), LOG_LEVEL: 'warn' })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('is closed with 1013 once its send buffer passes the limit, while others keep flowing', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    const b = await connectBackend(relay.wsUrl, USER_B)
    const c = await connectBackend(relay.wsUrl, USER_C)
    // C stops reading from its TCP socket.
    const raw = (c.ws as unknown as { _socket: { pause: () => void; resume: () => void } })._socket
    raw.pause()

    const notes = 'n'.repeat(400 * 1024)
    let sent = 0
    while ((await online(relay)).includes(USER_C.id)) {
      if (sent >= 200) throw new Error('C was never closed')
      const id = eventId()
      a.send({ type: 'send', id, to: [USER_C.id, USER_B.id], event: { type: 'typing', ideaId: id, notes } })
      sent++
      // B reads everything: each event reaches it before the next one is sent.
      await b.next(`event ${sent} at B`, (f) => f.type === 'event' && f.id === id)
    }
    // Traffic to the others goes on.
    const after = eventId()
    a.send({ type: 'send', id: after, to: [USER_B.id, USER_C.id], event: { type: 'typing', ideaId: after } })
    await b.next('an event after the close', (f) => f.type === 'event' && f.id === after)
    await a.next('C offline for the next event', (f) => f.type === 'undeliverable' && f.id === after)

    raw.resume()
    expect((await c.waitClosed()).code).toBe(1013)
    await until('the 1013 in the logs', () => relay.output().includes('send buffer full'))
    a.close()
    b.close()
  })
})
