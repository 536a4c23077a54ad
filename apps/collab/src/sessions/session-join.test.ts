import { ConnectionAck, SessionPong, UserJoined, UserLeft } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import { useSessionRelay } from './test-support/session-room.js'

const { join } = useSessionRelay()

describe('joining a session room', () => {
  it('acknowledges with the session, the user, the members and the protocol settings', async () => {
    const alice = await join('join-ack', 'alice')
    const ack = ConnectionAck.parse(alice.messages[0])
    expect(ack).toEqual({
      type: 'connection:ack',
      session_id: 'join-ack',
      user_id: 'alice',
      users: ['alice'],
      protocol: 1,
      heartbeat_interval_ms: 30_000,
      max_message_bytes: 1024 * 1024,
    })
    const bob = await join('join-ack', 'bob')
    expect(ConnectionAck.parse(bob.messages[0]).users).toEqual(['alice', 'bob'])
  })

  it('tells the other members who joined and who left', async () => {
    const alice = await join('join-presence', 'alice')
    const bob = await join('join-presence', 'bob')
    const joined = UserJoined.parse(await alice.next((m) => m.type === 'user:joined'))
    expect(joined).toMatchObject({ session_id: 'join-presence', user_id: 'bob', users: ['alice', 'bob'] })
    expect(Number.isNaN(Date.parse(joined.timestamp))).toBe(false)
    expect(bob.ofType('user:joined')).toEqual([])

    await bob.close()
    const left = UserLeft.parse(await alice.next((m) => m.type === 'user:left'))
    expect(left).toMatchObject({ session_id: 'join-presence', user_id: 'bob', users: ['alice'] })
  })

  it('answers an application ping with a pong carrying an ISO 8601 timestamp', async () => {
    const alice = await join('join-ping', 'alice')
    alice.send({ type: 'ping' })
    const pong = SessionPong.parse(await alice.next((m) => m.type === 'pong'))
    expect(new Date(pong.timestamp).toISOString()).toBe(pong.timestamp)
  })

  it('broadcasts other messages to the other members with user_id and timestamp added', async () => {
    const alice = await join('join-broadcast', 'alice')
    const bob = await join('join-broadcast', 'bob')
    const carol = await join('join-broadcast', 'carol')
    // The sender's identity comes from the path, never from the message.
    alice.send({ type: 'item:add', item: { id: 'i1', x: 10, y: 20 }, user_id: 'mallory' })
    for (const other of [bob, carol]) {
      const got = await other.next((m) => m.type === 'item:add')
      expect(got).toMatchObject({ type: 'item:add', item: { id: 'i1', x: 10, y: 20 }, user_id: 'alice' })
      expect(typeof got.timestamp).toBe('string')
    }
    // The sender gets no echo: a ping sent after the broadcast is answered before anything else.
    alice.send({ type: 'ping' })
    await alice.next((m) => m.type === 'pong')
    expect(alice.ofType('item:add')).toEqual([])
  })
})
