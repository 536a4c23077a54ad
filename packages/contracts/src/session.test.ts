import { describe, expect, it } from 'vitest'
import { parseWith } from './parse.js'
import { SessionBroadcast, SessionName, SyncState, SyncUnavailable } from './session.js'

describe('session messages', () => {
  it('accepts any object with a string type as a broadcast, keeping its fields', () => {
    const r = parseWith(SessionBroadcast, { type: 'item:add', item: { id: 'x', x: 1 } })
    expect(r).toMatchObject({ ok: true, value: { type: 'item:add', item: { id: 'x', x: 1 } } })
  })

  it('refuses a message without a string type', () => {
    expect(parseWith(SessionBroadcast, { item: 1 })).toMatchObject({ ok: false, path: 'type' })
    expect(parseWith(SessionBroadcast, { type: 5 })).toMatchObject({ ok: false, path: 'type' })
  })

  it('wants a state object in sync:state', () => {
    expect(parseWith(SyncState, { type: 'sync:state', requester: 'u2', state: { items: [] } }).ok).toBe(true)
    expect(parseWith(SyncState, { type: 'sync:state', requester: 'u2', state: 'x' }).ok).toBe(false)
  })

  it('limits session and user names to safe characters', () => {
    expect(parseWith(SessionName, 'test_session').ok).toBe(true)
    expect(parseWith(SessionName, '../etc').ok).toBe(false)
  })
})

describe('sync:unavailable', () => {
  it('names the requester and the time', () => {
    const r = parseWith(SyncUnavailable, {
      type: 'sync:unavailable',
      requester: 'u2',
      timestamp: '2026-11-22T03:00:00.000Z',
    })
    expect(r.ok).toBe(true)
  })
})
