import { RelayFrame, type RelayFrame as RelayFrameType } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import {
  ackByFrame,
  DRAIN_FRAME,
  errorFrame,
  eventFrame,
  parseInbound,
  presenceFrame,
  undeliverableFrame,
  welcomeFrame,
} from './frames.js'

/**
 * The relay writes its outgoing frames as string templates (the fast path). Each one must be exactly
 * what the contract's `RelayFrame` schema reads, for any input the relay can be given: these build every
 * frame from awkward inputs and parse the text back with the schema.
 */

const IDS = [
  '00000000-0000-0000-0000-000000000001',
  '0193AAAA-BBBB-7CCC-8DDD-EEEEEEEEEEEE',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
]
const NAMES = [
  'User A',
  'quote " backslash \\ slash /',
  '</script><script>alert(1)</script>',
  'emoji 👩‍💻 and RTL \u202e and line separators \u2028\u2029',
  'tab\tnewline\nnul\u0000',
  'é'.repeat(100),
  'x'.repeat(100),
]
const TIMES = [new Date(0).toISOString(), '2026-12-07T15:00:00.000Z', new Date().toISOString()]
const SEALED = { type: 'comment_added', sealed: 'A'.repeat(16) }
const HELLO = {
  type: 'hello',
  keys: { sign: 'a'.repeat(43), box: 'b'.repeat(43) },
  reply: false,
}
const TRACEPARENT = `00-${'0a'.repeat(16)}-${'1b'.repeat(8)}-01`

function read(text: string): RelayFrameType {
  const parsed = RelayFrame.safeParse(JSON.parse(text))
  if (!parsed.success) throw new Error(`${text}\n${parsed.error.message}`)
  return parsed.data
}

describe('outgoing frames match the contract', () => {
  it('welcome, for any user the relay can verify', () => {
    for (const id of IDS)
      for (const displayName of NAMES) {
        const user = { id, displayName }
        expect(read(welcomeFrame(user, 25_000))).toEqual({
          type: 'welcome',
          user: { id, displayName: displayName.trim() },
          protocol: expect.any(Number),
          heartbeatMs: 25_000,
        })
      }
  })

  it('presence, online and offline', () => {
    for (const id of IDS)
      for (const displayName of NAMES)
        for (const at of TIMES)
          for (const online of [true, false]) {
            const text = presenceFrame(JSON.stringify({ id, displayName }), online, at)
            expect(read(text)).toEqual({
              type: 'presence',
              user: { id, displayName: displayName.trim() },
              online,
              at,
            })
          }
  })

  it('event, with the event serialized here or cut from the sender’s frame, with and without a trace', () => {
    for (const id of IDS)
      for (const displayName of NAMES)
        for (const event of [SEALED, HELLO])
          for (const traceparent of [undefined, TRACEPARENT]) {
            const fromJson = JSON.stringify({ id, displayName })
            const send = JSON.stringify({ type: 'send', id, to: IDS, event })
            const cut = parseInbound(send)
            if (!cut.ok) throw new Error(cut.message)
            for (const eventJson of [undefined, cut.eventJson]) {
              const text = eventFrame(id, fromJson, event, eventJson, traceparent)
              expect(read(text)).toEqual({
                type: 'event',
                id,
                from: { id, displayName: displayName.trim() },
                event,
                ...(traceparent === undefined ? {} : { traceparent }),
              })
            }
          }
  })

  it('ack and undeliverable', () => {
    for (const id of IDS)
      for (const other of IDS) {
        expect(read(ackByFrame(id, other))).toEqual({ type: 'ack', id, by: other })
        expect(read(undeliverableFrame(id, other))).toEqual({
          type: 'undeliverable',
          id,
          to: other,
          reason: 'offline',
        })
      }
  })

  it('error, with hostile messages and every ref the edge may echo', () => {
    const refs = [undefined, ...IDS, 'not-a-uuid', '"quoted"', 'é'.repeat(64)]
    for (const code of ['invalid_json', 'invalid_frame', 'unknown_type', 'rate_limited'] as const)
      for (const message of NAMES)
        for (const ref of refs) {
          expect(read(errorFrame(code, message, ref))).toEqual({
            type: 'error',
            code,
            message,
            ...(ref === undefined ? {} : { ref }),
          })
        }
  })

  it('error refs: a frame whose id is not a uuid is refused with that id as ref, which the contract reads', () => {
    const r = parseInbound(JSON.stringify({ type: 'send', id: 'my-frame-1', to: [], event: {} }))
    expect(r).toMatchObject({ ok: false, ref: 'my-frame-1' })
    if (r.ok) return
    expect(read(errorFrame(r.code, r.message, r.ref))).toMatchObject({ type: 'error', ref: 'my-frame-1' })
  })

  it('drain', () => {
    expect(read(DRAIN_FRAME)).toEqual({ type: 'drain', reason: 'shutdown' })
  })
})
