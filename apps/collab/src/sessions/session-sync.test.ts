import { describe, expect, it } from 'vitest'
import { pollUntil, startRelay } from './test-support/relay-process.js'
import { type Message, SessionClient } from './test-support/session-client.js'
import { useSessionRelay } from './test-support/session-room.js'

// LOG_LEVEL info: a test waits for the relay's log line that a sync ran out.
const { join, relay } = useSessionRelay({ SESSION_SYNC_TIMEOUT_MS: '1000', LOG_LEVEL: 'info' })
/** Answers every sync:request with `state`. */
const answerWith = (client: SessionClient, state: Record<string, unknown>) => {
  client.ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as Message
    if (m.type === 'sync:request') client.send({ type: 'sync:state', requester: m.requester, state })
  })
}

describe('late-joiner sync', () => {
  it('asks the longest-connected member and forwards its state to the newcomer only', async () => {
    const oldest = await join('sync-basic', 'oldest')
    answerWith(oldest, { items: [{ id: 'a' }] })
    const middle = await join('sync-basic', 'middle')
    await middle.next((m) => m.type === 'sync:state')
    const late = await join('sync-basic', 'late')
    const state = await late.next((m) => m.type === 'sync:state')
    expect(state).toMatchObject({ requester: 'late', state: { items: [{ id: 'a' }] }, user_id: 'oldest' })
    expect(oldest.ofType('sync:request').map((m) => m.requester)).toEqual(['middle', 'late'])
    expect(middle.ofType('sync:request')).toEqual([])
    // The answer went to `late` only.
    middle.send({ type: 'ping' })
    await middle.next((m) => m.type === 'pong')
    expect(middle.ofType('sync:state')).toHaveLength(1)
    expect(oldest.ofType('sync:state')).toEqual([])
  })

  it('falls back to the next member when the oldest does not answer', async () => {
    const mute = await join('sync-fallback', 'mute')
    const helper = await join('sync-fallback', 'helper')
    answerWith(helper, { items: ['from helper'] })
    const late = await join('sync-fallback', 'late')
    const state = await late.next((m) => m.type === 'sync:state')
    expect(state).toMatchObject({ requester: 'late', user_id: 'helper', state: { items: ['from helper'] } })
    expect(mute.ofType('sync:request').map((m) => m.requester)).toContain('late')
  })

  it('falls back at once when the member being asked leaves', async () => {
    // A sync timeout far beyond the test's limits: only the departure can move the sync on.
    const slow = await startRelay({ SESSION_SYNC_TIMEOUT_MS: '600000' })
    try {
      const local: SessionClient[] = []
      const leaving = await SessionClient.join(slow.wsUrl, 'sync-leave', 'leaving')
      const helper = await SessionClient.join(slow.wsUrl, 'sync-leave', 'helper')
      local.push(leaving, helper)
      answerWith(helper, { v: 2 })
      leaving.ws.on('message', (data) => {
        if ((JSON.parse(data.toString()) as Message).type === 'sync:request') leaving.ws.close()
      })
      const late = await SessionClient.join(slow.wsUrl, 'sync-leave', 'late')
      local.push(late)
      const state = await late.next((m) => m.type === 'sync:state')
      expect(state).toMatchObject({ user_id: 'helper', state: { v: 2 } })
      await Promise.all(local.map((c) => c.close()))
    } finally {
      await slow.stop()
    }
  })

  it('sends the newcomer nothing when no member answers: its next message is the next broadcast', async () => {
    const mute1 = await join('sync-none', 'mute1')
    const mute2 = await join('sync-none', 'mute2')
    const late = await join('sync-none', 'late')
    // Every member was asked in turn (1 s each), and the relay gave up on both syncs.
    await pollUntil('the sync for late to run out', () =>
      relay()
        .output()
        .split('\n')
        .find(
          (l) =>
            l.includes('session sync unanswered') && l.includes('"session":"sync-none","requester":"late"'),
        ),
    )
    expect(mute1.ofType('sync:request').map((m) => m.requester)).toEqual(['mute2', 'late'])
    expect(mute2.ofType('sync:request').map((m) => m.requester)).toEqual(['late'])
    mute1.send({ type: 'item:add', id: 'after-the-sync' })
    const next = await late.next((m) => m.type !== 'connection:ack')
    expect(next).toMatchObject({ type: 'item:add', id: 'after-the-sync', user_id: 'mute1' })
    expect(late.messages.map((m) => m.type)).toEqual(['connection:ack', 'item:add'])
    // mute2, whose own sync mute1 never answered, was not told anything either.
    await mute2.next((m) => m.type === 'item:add')
    expect(mute2.messages.map((m) => m.type)).toEqual([
      'connection:ack',
      'user:joined',
      'sync:request',
      'item:add',
    ])
  })

  it('drops a sync:state nobody asked for', async () => {
    const a = await join('sync-unasked', 'a')
    const b = await join('sync-unasked', 'b')
    answerWith(a, {})
    await b.next((m) => m.type === 'sync:state')
    b.send({ type: 'sync:state', requester: 'a', state: { forged: true } })
    b.send({ type: 'marker' })
    await a.next((m) => m.type === 'marker')
    expect(a.ofType('sync:state')).toEqual([])
  })

  it('sends nothing to the first member of a session', async () => {
    const first = await join('sync-alone', 'first')
    first.send({ type: 'ping' })
    await first.next((m) => m.type === 'pong')
    expect(first.messages.map((m) => m.type)).toEqual(['connection:ack', 'pong'])
  })
})
