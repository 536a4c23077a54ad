import { jsonBoundsProblem } from '@pp/contracts'
import fc from 'fast-check'
import {
  deep,
  deepInside,
  deepInsideArgs,
  type Expect,
  type Hostile,
  jsonKind,
  nonObjectJson,
  notObject,
  notUuid,
  randomText,
  typeNotString,
} from './fuzz.js'

/** Hostile messages for the session rooms (`/ws/{session}/{user}`), each with the relay's answer. */

const SESSION_RESERVED = ['connection:ack', 'pong', 'user:joined', 'user:left', 'sync:request', 'error']

/** The session rooms' answer to a text frame that is not a valid message. */
function sessionOracle(text: string): Expect | undefined {
  const k = jsonKind(text)
  if (k === 'invalid') return { error: 'invalid_json' }
  // Nested deeper than the wire bound (32 levels): refused before its shape is looked at.
  if (jsonBoundsProblem(JSON.parse(text)) !== undefined) return { error: 'invalid_message' }
  if (k === 'non-object' || k === 'no-type') return { error: 'missing_type' }
  if (
    SESSION_RESERVED.includes(k.type) ||
    k.type === 'sync:state' ||
    k.type.length === 0 ||
    k.type.length > 128
  ) {
    return { error: 'invalid_message' }
  }
  return undefined // a valid broadcast or ping: not a bad input
}

/** Hostile messages for `/ws/{session}/{user}`. Valid broadcasts are filtered out. */
export function sessionHostile(maxPayload: number): fc.Arbitrary<Hostile> {
  const t = (kind: string) => (s: string) => ({ kind, data: s, binary: false, expect: sessionOracle(s) })
  const bad = (
    a: fc.Arbitrary<{ kind: string; data: string; binary: boolean; expect: Expect | undefined }>,
  ): fc.Arbitrary<Hostile> =>
    a
      .filter((h) => h.expect !== undefined)
      .map((h) => ({ ...h, expect: h.expect ?? { survive: true as const } }))
  const broadcast = fc.record({
    type: fc.constantFrom('item:add', 'item:move', 'state:update'),
    id: fc.integer(),
  })
  return fc.oneof(
    { weight: 20, arbitrary: bad(randomText.map(t('random-text'))) },
    { weight: 10, arbitrary: bad(nonObjectJson.map((v) => JSON.stringify(v)).map(t('json-not-object'))) },
    {
      weight: 10,
      arbitrary: bad(
        fc
          .option(typeNotString)
          .map((v) => JSON.stringify(v === null ? { id: 1 } : { type: v }))
          .map(t('type-not-string')),
      ),
    },
    {
      weight: 10,
      arbitrary: bad(
        fc
          .constantFrom(...SESSION_RESERVED)
          .map((type) => JSON.stringify({ type }))
          .map(t('reserved-type')),
      ),
    },
    {
      weight: 5,
      arbitrary: bad(
        fc
          .string({ minLength: 129, maxLength: 300 })
          .map((type) => JSON.stringify({ type }))
          .map(t('type-too-long')),
      ),
    },
    { weight: 5, arbitrary: bad(fc.constant(JSON.stringify({ type: '' })).map(t('type-empty'))) },
    {
      weight: 10,
      arbitrary: bad(
        fc
          .record({ requester: notUuid, state: notObject })
          .map((r) => JSON.stringify({ type: 'sync:state', ...r }))
          .map(t('sync-state-wrong-typed')),
      ),
    },
    {
      weight: 15,
      arbitrary: bad(
        broadcast
          .map((f) => JSON.stringify(f))
          .chain((s) => fc.integer({ min: 1, max: s.length - 1 }).map((n) => s.slice(0, n)))
          .map(t('truncated')),
      ),
    },
    {
      weight: 3,
      arbitrary: bad(
        fc
          .tuple(fc.integer({ min: 1000, max: 12_000 }), fc.boolean())
          .map(([n, arr]) => (arr ? deep(n, '[', ']', '0') : deep(n, '{"a":', '}', '0')))
          .map(t('deep-nesting')),
      ),
    },
    {
      weight: 3,
      arbitrary: bad(
        fc
          .tuple(broadcast, deepInsideArgs)
          .map(([m, [n, arr, rev]]) => deepInside(m, n, arr, rev))
          .map(t('deep-inside-valid')),
      ),
    },
    {
      // fits the frame limit, but not once user_id and timestamp are added
      weight: 2,
      arbitrary: fc.integer({ min: 0, max: 40 }).map((k) => {
        const shell = '{"type":"state:update","pad":""}'
        return {
          kind: 'broadcast-too-big',
          data: `{"type":"state:update","pad":"${'x'.repeat(maxPayload - shell.length - k)}"}`,
          binary: false,
          expect: { error: 'invalid_message' },
        }
      }),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 4096 }).map((extra) => ({
        kind: 'oversized',
        data: `{"type":"state:update","pad":"${'x'.repeat(maxPayload + extra)}"}`,
        binary: false,
        expect: { close: 1009 },
      })),
    },
    {
      weight: 5,
      arbitrary: fc.uint8Array({ minLength: 0, maxLength: 256 }).map((b) => ({
        kind: 'binary',
        data: Buffer.from(b),
        binary: true,
        expect: { error: 'invalid_message' },
      })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 32 }).map((b) => ({
        kind: 'invalid-utf8',
        data: Buffer.concat([Buffer.from('{"type":"'), Buffer.from([0xc3, 0x28]), Buffer.from(b)]),
        binary: false,
        expect: { close: 1007 },
      })),
    },
  )
}
