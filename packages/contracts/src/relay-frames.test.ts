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
  it('accepts a send carrying a full domain event', () => {
    const frame = { type: 'send', id: EVT, to: [B], event: { type: 'position_shared', idea, comments: [] } }
    expect(parseWith(BackendFrame, frame).ok).toBe(true)
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
        event: {
          type: 'comment_added',
          comment: {
            id: EVT,
            ideaId: idea.id,
            author: userA,
            body: 'Great setup!',
            createdAt: now,
          },
        },
      },
      { type: 'undeliverable', id: EVT, to: B, reason: 'offline' },
      { type: 'error', code: 'rate_limited', message: 'slow down', ref: EVT },
      { type: 'drain', reason: 'shutdown' },
    ]
    for (const f of frames) expect(parseWith(RelayFrame, f)).toMatchObject({ ok: true })
  })

  it('refuses an event whose snapshot is malformed, naming the field', () => {
    const bad = {
      type: 'event',
      id: EVT,
      from: userA,
      event: { type: 'position_updated', idea: { ...idea, status: 'Maybe' } },
    }
    const r = parseWith(RelayFrame, bad)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.path).toBe('event.idea.status')
  })

  it('refuses an error frame with a code outside the documented set', () => {
    expect(parseWith(RelayFrame, { type: 'error', code: 'oops', message: 'x' }).ok).toBe(false)
  })
})
