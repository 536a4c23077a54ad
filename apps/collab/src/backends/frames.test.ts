import { RelayInboundFrame } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import { eventFrame, parseInbound } from './frames.js'

const U1 = '00000000-0000-0000-0000-000000000001'
const U2 = '0193aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee'

const cases: unknown[] = [
  { type: 'send', id: U2, to: [U1], event: { type: 'typing', ideaId: U2 } },
  { type: 'send', id: U2, to: [U1, U1.toUpperCase()], event: { type: 'comment_added', comment: {} } },
  { type: 'send', id: U2, to: [], event: { type: 'typing' } },
  { type: 'send', id: U2, to: [U1], event: { type: 'bogus' } },
  { type: 'send', id: U2, to: [U1], event: [] },
  { type: 'send', id: U2, to: [U1], event: { type: 'typing' }, extra: 1 },
  { type: 'send', id: 'x', to: [U1], event: { type: 'typing' } },
  { type: 'send', id: U2, to: [`${U1} `], event: { type: 'typing' } },
  {
    type: 'send',
    id: U2,
    to: [U1],
    event: { type: 'typing', ideaId: U2 },
    traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
  },
  { type: 'send', id: U2, to: [U1], event: { type: 'typing', ideaId: U2 }, traceparent: 'not-a-traceparent' },
  {
    type: 'send',
    id: U2,
    to: [U1],
    event: { type: 'typing', ideaId: U2 },
    traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
    from: U1,
  },
  { type: 'ack', id: U2, to: U1 },
  { type: 'ack', id: U2, to: U1, by: U1 },
  { type: 'ack', id: U2 },
  { type: 'watch', userIds: [] },
  { type: 'watch', userIds: [U1, U2] },
  { type: 'watch', userIds: [1] },
  { type: 'watch' },
  { type: 'welcome' },
  { id: U2 },
  [1],
  'text',
  null,
]

describe('inbound frame parsing', () => {
  it('accepts exactly what the contract schema accepts', () => {
    for (const c of cases) {
      const text = JSON.stringify(c)
      const ours = parseInbound(text)
      const schema = RelayInboundFrame.safeParse(c)
      expect({ text, ok: ours.ok }).toEqual({ text, ok: schema.success })
    }
  })

  it('names the code: invalid_json, invalid_frame, unknown_type', () => {
    expect(parseInbound('{')).toMatchObject({ ok: false, code: 'invalid_json' })
    expect(parseInbound('[]')).toMatchObject({ ok: false, code: 'invalid_frame' })
    expect(parseInbound(JSON.stringify({ type: 'hello', id: U2 }))).toMatchObject({
      ok: false,
      code: 'unknown_type',
      ref: U2,
    })
  })

  it('builds an event frame that the contract reads back unchanged', () => {
    const event = { type: 'typing', ideaId: U2, note: 'quote " and \\ and \u2028' }
    const text = eventFrame(U2, JSON.stringify({ id: U1, displayName: 'User "A"' }), event)
    expect(JSON.parse(text)).toEqual({
      type: 'event',
      id: U2,
      from: { id: U1, displayName: 'User "A"' },
      event,
    })
  })

  it('reuses the event text of a send frame when the layout is the usual one, else serializes it', () => {
    const event = { type: 'comment_added', comment: { body: 'a "quoted" }, brace', n: [1, { x: 2 }] } }
    for (const to of [[U1], [U1, U2, U1]]) {
      const r = parseInbound(JSON.stringify({ type: 'send', id: U2, to, event }))
      expect(r.ok && r.eventJson).toBe(JSON.stringify(event))
    }
    const spaced = parseInbound(JSON.stringify({ type: 'send', id: U2, to: [U1], event }, null, 1))
    expect(spaced.ok && spaced.eventJson).toBeUndefined()
    const reordered = parseInbound(JSON.stringify({ event, type: 'send', id: U2, to: [U1] }))
    expect(reordered.ok && reordered.eventJson).toBeUndefined()
    // Either way the frame built from it carries the same event and the verified sender.
    for (const r of [spaced, reordered]) {
      if (!r.ok || r.frame.type !== 'send') throw new Error('expected a send frame')
      const out = JSON.parse(
        eventFrame(r.frame.id, JSON.stringify({ id: U1, displayName: 'A' }), r.frame.event, r.eventJson),
      )
      expect(out).toEqual({ type: 'event', id: U2, from: { id: U1, displayName: 'A' }, event })
    }
  })

  it('carries a sender’s traceparent: cut from the frame, and on to the event frame', () => {
    const tp = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`
    const text = JSON.stringify({
      type: 'send',
      id: U2,
      to: [U1],
      event: { type: 'typing', ideaId: U2 },
      traceparent: tp,
    })
    const r = parseInbound(text)
    expect(r).toMatchObject({
      ok: true,
      frame: { traceparent: tp },
      eventJson: JSON.stringify({ type: 'typing', ideaId: U2 }),
    })
    const out = eventFrame(
      U2,
      JSON.stringify({ id: U1, displayName: 'User A' }),
      { type: 'typing', ideaId: U2 },
      undefined,
      tp,
    )
    expect(JSON.parse(out)).toEqual({
      type: 'event',
      id: U2,
      from: { id: U1, displayName: 'User A' },
      event: { type: 'typing', ideaId: U2 },
      traceparent: tp,
    })
  })
})
