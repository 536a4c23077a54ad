import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  connectBackend,
  eventId,
  type TestBackend,
  typing,
  USER_A,
  USER_B,
  USER_C,
} from '../test-support/backend-client.js'
import { type Relay, startRelay, until } from '../test-support/relay.js'

describe('routing send → event, undeliverable and ack', () => {
  let relay: Relay
  const open: TestBackend[] = []
  const connect = async (user: typeof USER_A) => {
    const b = await connectBackend(relay.wsUrl, user)
    open.push(b)
    return b
  }

  beforeAll(async () => {
    relay = await startRelay()
  })
  afterEach(() => {
    for (const b of open.splice(0)) b.close()
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('delivers an event to one recipient with the verified sender as from', async () => {
    const a = await connect(USER_A)
    const b = await connect(USER_B)
    const id = eventId()
    const comment = {
      type: 'comment_added',
      comment: {
        id: eventId(),
        ideaId: eventId(),
        author: USER_A,
        body: 'hi',
        createdAt: new Date().toISOString(),
      },
    }
    a.send({ type: 'send', id, to: [USER_B.id], event: comment })
    const got = await b.next('the event', (f) => f.type === 'event' && f.id === id)
    expect(got).toEqual({ type: 'event', id, from: USER_A, event: comment })
    expect(a.of('undeliverable')).toEqual([])
    await until('the routing log line', () =>
      relay.output().includes('comment_added event routed from User A: delivered to User B'),
    )
    expect(relay.output()).toContain('Delivered to User B')
    // The testing guide greps the relay's log for `collab_event`.
    const lines = relay
      .output()
      .split('\n')
      .filter((l) => l.includes('"collab_event":"comment_added"'))
    expect(lines.some((l) => l.includes('delivered to User B'))).toBe(true)
  })

  it('delivers to many recipients and answers undeliverable for the offline one', async () => {
    const a = await connect(USER_A)
    const b = await connect(USER_B)
    const c = await connect(USER_C)
    const offline = '00000000-0000-0000-0000-0000000000ff'
    const id = eventId()
    a.send({ type: 'send', id, to: [USER_B.id, offline, USER_C.id], event: typing() })
    for (const r of [b, c]) {
      const got = await r.next('the event', (f) => f.type === 'event' && f.id === id)
      expect(got.from).toEqual(USER_A)
      expect(got.event).toEqual(typing())
    }
    const und = await a.next('undeliverable', (f) => f.type === 'undeliverable' && f.id === id)
    expect(und).toEqual({ type: 'undeliverable', id, to: offline, reason: 'offline' })
    expect(a.of('undeliverable')).toHaveLength(1)
    await until('the offline log line', () =>
      relay.output().includes(`typing event routed from User A to ${offline} (offline: not delivered)`),
    )
  })

  it('delivers once to a recipient listed twice, and once undeliverable for an offline one listed twice', async () => {
    const a = await connect(USER_A)
    const b = await connect(USER_B)
    const offline = '00000000-0000-0000-0000-0000000000fe'
    const before = (await (await fetch(`${relay.url}/health`)).json()) as { total_events_routed: number }
    const id = eventId()
    a.send({ type: 'send', id, to: [USER_B.id, offline, USER_B.id, offline], event: typing() })
    // A second event behind it: once it is here, a duplicate of the first would have been too.
    const marker = eventId()
    a.send({ type: 'send', id: marker, to: [USER_B.id], event: typing() })
    await b.next('the marker', (f) => f.type === 'event' && f.id === marker)
    await a.next('undeliverable', (f) => f.type === 'undeliverable' && f.id === id)
    expect(b.of('event').filter((f) => f.id === id)).toHaveLength(1)
    expect(a.of('undeliverable').filter((f) => f.id === id)).toHaveLength(1)
    const after = (await (await fetch(`${relay.url}/health`)).json()) as { total_events_routed: number }
    expect(after.total_events_routed - before.total_events_routed).toBe(2)
  })

  it('passes an ack back to the original sender as ack {id, by}', async () => {
    const a = await connect(USER_A)
    const b = await connect(USER_B)
    const id = eventId()
    a.send({ type: 'send', id, to: [USER_B.id], event: { type: 'friend_request', from: USER_A } })
    await b.next('the event', (f) => f.type === 'event' && f.id === id)
    b.send({ type: 'ack', id, to: USER_A.id })
    const ack = await a.next('the ack', (f) => f.type === 'ack')
    expect(ack).toEqual({ type: 'ack', id, by: USER_B.id })
  })

  it('counts delivered events in /health', async () => {
    const a = await connect(USER_A)
    const b = await connect(USER_B)
    const before = (await (await fetch(`${relay.url}/health`)).json()) as { total_events_routed: number }
    const ids = [eventId(), eventId(), eventId()]
    for (const id of ids) a.send({ type: 'send', id, to: [USER_B.id], event: typing() })
    await until('three events', () => b.of('event').length === 3)
    const after = (await (await fetch(`${relay.url}/health`)).json()) as { total_events_routed: number }
    expect(after.total_events_routed - before.total_events_routed).toBe(3)
  })
})
