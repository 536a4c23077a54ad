import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectBackend,
  eventId,
  refusedStatus,
  tokenFor,
  typing,
  USER_A,
  USER_B,
} from '../test-support/backend-client.js'
import { type Relay, startRelay, until } from '../test-support/relay.js'

describe('a second connection of the same user replaces the first', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay()
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('closes the first with 4000 "replaced" and routes to the new one', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    const b1 = await connectBackend(relay.wsUrl, USER_B)
    a.send({ type: 'watch', userIds: [USER_B.id] })
    b1.send({ type: 'watch', userIds: [USER_A.id] })
    await a.next('B online', (f) => f.type === 'presence')
    const b2 = await connectBackend(relay.wsUrl, USER_B)
    expect(await b1.waitClosed()).toEqual({ code: 4000, reason: 'replaced' })
    b2.send({ type: 'watch', userIds: [USER_A.id] })

    const id = eventId()
    a.send({ type: 'send', id, to: [USER_B.id], event: typing() })
    await b2.next('the event on the new connection', (f) => f.type === 'event' && f.id === id)
    expect(b1.of('event')).toEqual([])
    expect(a.of('undeliverable')).toEqual([])
    // A never saw B go offline: presence stayed online (a second online tells it to flush its outbox).
    expect(a.of('presence').every((f) => f.online === true)).toBe(true)

    const users = (await (await fetch(`${relay.url}/api/users/online`)).json()) as Array<{ id: string }>
    expect(users.filter((u) => u.id === USER_B.id)).toHaveLength(1)

    // The new connection's acks reach A.
    b2.send({ type: 'ack', id, to: USER_A.id })
    await a.next('the ack', (f) => f.type === 'ack' && f.by === USER_B.id)
    a.close()
    b2.close()
  })

  it('refuses with 429 when a user holds more sockets than allowed, until the replaced ones close', async () => {
    const b1 = await connectBackend(relay.wsUrl, USER_B)
    // b1 stops reading, so it never answers the closing handshake of its replacement.
    const raw = (b1.ws as unknown as { _socket: { pause: () => void } })._socket
    raw.pause()
    const b2 = await connectBackend(relay.wsUrl, USER_B)
    const token = await tokenFor(USER_B)
    expect(await refusedStatus(relay.wsUrl, { authorization: `Bearer ${token}` })).toBe(429)
    // The replaced socket is dropped after its close grace; then a new one is accepted again.
    const b3 = await until('a third connection to be accepted', async () => {
      try {
        return await connectBackend(relay.wsUrl, USER_B, { token })
      } catch {
        return undefined
      }
    })
    expect((await b2.waitClosed()).code).toBe(4000)
    b1.close()
    b3.close()
  })
})
