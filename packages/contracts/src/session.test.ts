import { describe, expect, it } from 'vitest'
import { parseWith } from './parse.js'
import { SessionBroadcast, SessionName, SyncState } from './session.js'

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

  it('accepts any 1-128 characters in session and user names but control characters and /', () => {
    for (const ok of ['test_session', 'user one', 'café', 'a+b', 'a~b', '"quoted"', '..', '😀'.repeat(128)])
      expect(parseWith(SessionName, ok).ok, ok).toBe(true)
    for (const bad of [
      '',
      'x'.repeat(129),
      '😀'.repeat(129),
      '../etc',
      'a/b',
      'a\u0000b',
      'tab\there',
      'nl\n',
      'del\u007f',
    ])
      expect(parseWith(SessionName, bad).ok, JSON.stringify(bad)).toBe(false)
  })
})
