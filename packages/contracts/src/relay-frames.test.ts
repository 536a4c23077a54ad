import { describe, expect, it } from 'vitest'
import { parseFrame, parseWith } from './parse.js'
import { BackendFrame, RelayFrame, RelayInboundFrame } from './relay-frames.js'

const A = '00000000-0000-0000-0000-000000000001'
const B = '00000000-0000-0000-0000-000000000002'
const EVT = '0193a6b2-7c1e-7a00-8000-000000000001'
const now = '2026-11-22T10:00:00.000Z'
const userA = { id: A, displayName: 'User A' }
const idea = {
  id: '0193a6b2-7c1e-7a00-8000-0000000000aa',
  owner: userA,
  symbol: 'AAPL',
  strategy: 'Covered Call',
  status: 'Planned',
  tags: ['bullish'],
  notes: '',
  version: 1,
  createdAt: now,
  updatedAt: now,
}
const inbound = new Set(['watch', 'send', 'ack'])

describe('backend frames', () => {
  it('accepts a send carrying a sealed event or a hello, and never a domain event in the clear', () => {
    const sealed = { type: 'position_shared', sealed: 'A'.repeat(120) }
    expect(parseWith(BackendFrame, { type: 'send', id: EVT, to: [B], event: sealed }).ok).toBe(true)
    const hello = { type: 'hello', keys: { sign: 'a'.repeat(43), box: 'b'.repeat(43) }, reply: false }
    expect(parseWith(BackendFrame, { type: 'send', id: EVT, to: [B], event: hello }).ok).toBe(true)
    const clear = { type: 'position_shared', idea, comments: [] }
    expect(parseWith(BackendFrame, { type: 'send', id: EVT, to: [B], event: clear }).ok).toBe(false)
    // A hello carries public keys only: no name, nothing else.
    expect(
      parseWith(BackendFrame, { type: 'send', id: EVT, to: [B], event: { ...hello, user: userA } }).ok,
    ).toBe(false)
  })

  it('refuses unknown fields on the envelope', () => {
    const r = parseFrame(RelayInboundFrame, JSON.stringify({ type: 'watch', userIds: [B], from: A }), inbound)
    expect(r).toMatchObject({ ok: false, code: 'invalid_frame' })
  })

  it('names the path of a bad recipient and carries the frame id as ref', () => {
    const text = JSON.stringify({
      type: 'send',
      id: EVT,
      to: ['nope'],
      event: { type: 'typing', ideaId: EVT },
    })
    const r = parseFrame(RelayInboundFrame, text, inbound)
    expect(r).toMatchObject({ ok: false, code: 'invalid_frame', ref: EVT })
    if (!r.ok) expect(r.message).toContain('to.0')
  })

  it('tells invalid JSON and unknown types apart', () => {
    expect(parseFrame(RelayInboundFrame, '{nope', inbound)).toMatchObject({ ok: false, code: 'invalid_json' })
    expect(parseFrame(RelayInboundFrame, '{"type":"shout"}', inbound)).toMatchObject({
      ok: false,
      code: 'unknown_type',
    })
    expect(parseFrame(RelayInboundFrame, '[1,2]', inbound)).toMatchObject({
      ok: false,
      code: 'invalid_frame',
    })
  })

  it('refuses an empty recipient list and an event type the relay does not route', () => {
    expect(
      parseWith(RelayInboundFrame, { type: 'send', id: EVT, to: [], event: { type: 'typing' } }).ok,
    ).toBe(false)
    expect(parseWith(RelayInboundFrame, { type: 'send', id: EVT, to: [B], event: { type: 'hack' } }).ok).toBe(
      false,
    )
  })

  it('tells the two ack directions apart', () => {
    expect(parseWith(BackendFrame, { type: 'ack', id: EVT, to: A }).ok).toBe(true)
    expect(parseWith(BackendFrame, { type: 'ack', id: EVT, by: A }).ok).toBe(false)
    expect(parseWith(RelayFrame, { type: 'ack', id: EVT, by: A }).ok).toBe(true)
  })
})

describe('relay frames', () => {
  it('accepts each frame the relay sends', () => {
    const frames = [
      { type: 'welcome', user: userA, protocol: 1, heartbeatMs: 25000 },
      { type: 'presence', user: userA, online: true, at: now },
      {
        type: 'event',
        id: EVT,
        from: userA,
        event: { type: 'comment_added', sealed: 'x_-'.repeat(40) },
      },
      { type: 'undeliverable', id: EVT, to: B, reason: 'offline' },
      { type: 'error', code: 'rate_limited', message: 'slow down', ref: EVT },
      { type: 'drain', reason: 'shutdown' },
    ]
    for (const f of frames) expect(parseWith(RelayFrame, f)).toMatchObject({ ok: true })
  })

  it('refuses an event whose sealed body is not base64url or whose hello keys are not keys', () => {
    const bad = {
      type: 'event',
      id: EVT,
      from: userA,
      event: { type: 'position_updated', sealed: 'not base64!' },
    }
    expect(parseWith(RelayFrame, bad).ok).toBe(false)
    const hello = { type: 'hello', keys: { sign: 'short', box: 'b'.repeat(43) }, reply: true }
    const r = parseWith(RelayFrame, { type: 'event', id: EVT, from: userA, event: hello })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.path).toContain('event')
  })

  it('refuses an error frame with a code outside the documented set', () => {
    expect(parseWith(RelayFrame, { type: 'error', code: 'oops', message: 'x' }).ok).toBe(false)
  })
})
