import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectBackend, eventId, typing, USER_A, USER_B } from '../test-support/backend-client.js'
import { type Relay, startRelay } from '../test-support/relay.js'

describe('bad input from a backend', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ MAX_PAYLOAD_BYTES: '4096' })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('answers each bad frame with an error frame and keeps the connection open', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    const b = await connectBackend(relay.wsUrl, USER_B)
    const id = eventId()
    a.send('{not json')
    a.send('[1,2]')
    a.send({ type: 'teleport', id })
    a.send({ type: 'send', id, to: ['not-a-uuid'], event: typing() })
    a.send({ type: 'send', id, to: [USER_B.id], event: typing(), from: USER_B })
    a.send({ type: 'send', id, to: [USER_B.id], event: { type: 'no_such_event' } })
    a.send({ type: 'send', id, to: [], event: typing() })
    a.send({ type: 'ack', id })
    a.send({ type: 'watch', userIds: 'everyone' })
    await a.next('nine errors', () => a.of('error').length === 9)
    const errors = a.of('error')
    expect(errors.map((e) => e.code)).toEqual([
      'invalid_json',
      'invalid_frame',
      'unknown_type',
      'invalid_frame',
      'invalid_frame',
      'invalid_frame',
      'invalid_frame',
      'invalid_frame',
      'invalid_frame',
    ])
    expect(errors[0]).not.toHaveProperty('ref')
    expect(errors[2]).toMatchObject({ ref: id })
    expect(errors[3]).toMatchObject({ ref: id })
    expect(String(errors[3]?.message)).toContain('to.0')
    expect(String(errors[4]?.message)).toContain('from')
    for (const e of errors) expect(typeof e.message).toBe('string')
    // Still open: a good frame is routed, and a forged `from` never was.
    const good = eventId()
    a.send({ type: 'send', id: good, to: [USER_B.id], event: typing() })
    await b.next('the good event', (f) => f.type === 'event' && f.id === good)
    expect(b.of('event')).toHaveLength(1)
    a.close()
    b.close()
  })

  it('closes a binary frame with 1003', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    a.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    expect((await a.waitClosed()).code).toBe(1003)
  })

  it('closes a frame over MAX_PAYLOAD_BYTES with 1009', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    a.send({ type: 'send', id: eventId(), to: [USER_B.id], event: { type: 'typing', pad: 'x'.repeat(5000) } })
    expect((await a.waitClosed()).code).toBe(1009)
    // The relay is fine.
    expect((await fetch(`${relay.url}/health`)).status).toBe(200)
  })
})
