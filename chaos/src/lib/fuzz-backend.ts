import fc from 'fast-check'
import {
  deep,
  deepInside,
  deepInsideArgs,
  type Expect,
  type Hostile,
  jsonKind,
  nonObjectJson,
  notArray,
  notObject,
  notUuid,
  randomText,
  text,
  typeNotString,
  uuid,
} from './fuzz.js'

/** Hostile frames for the relay's backend socket (`/v1/backends`), each with the relay's answer. */

const BACKEND_TYPES = ['watch', 'send', 'ack']
const EVENT_TYPES = ['friend_request', 'comment_added', 'position_updated', 'typing']

/** Valid backend → relay frames, the seeds of mutation and truncation. */
export const validBackendFrame = fc.oneof(
  fc.record({ type: fc.constant('watch'), userIds: fc.array(uuid, { maxLength: 5 }) }),
  fc.record({
    type: fc.constant('send'),
    id: uuid,
    to: fc.array(uuid, { minLength: 1, maxLength: 3 }),
    event: fc.record({ type: fc.constantFrom(...EVENT_TYPES), ideaId: uuid }),
  }),
  fc.record({ type: fc.constant('ack'), id: uuid, to: uuid }),
)

/** One field of a valid frame made wrong: wrong type, empty, too long, or an unknown extra field. */
const wrongTypedBackend: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('watch'), userIds: notArray }),
  fc.record({ type: fc.constant('watch'), userIds: fc.tuple(uuid, notUuid).map(([a, b]) => [a, b]) }),
  fc.record({ type: fc.constant('watch') }),
  fc.record({
    type: fc.constant('send'),
    id: notUuid,
    to: fc.array(uuid, { minLength: 1, maxLength: 2 }),
    event: fc.constant({ type: 'typing' }),
  }),
  fc.record({ type: fc.constant('send'), id: uuid, to: notArray, event: fc.constant({ type: 'typing' }) }),
  fc.record({
    type: fc.constant('send'),
    id: uuid,
    to: fc.constant([]),
    event: fc.constant({ type: 'typing' }),
  }),
  fc.record({
    type: fc.constant('send'),
    id: uuid,
    to: fc.tuple(notUuid).map((t) => [...t]),
    event: fc.constant({ type: 'typing' }),
  }),
  fc.record({
    type: fc.constant('send'),
    id: uuid,
    to: fc.array(uuid, { minLength: 1, maxLength: 1 }),
    event: notObject,
  }),
  fc.record({
    type: fc.constant('send'),
    id: uuid,
    to: fc.array(uuid, { minLength: 1, maxLength: 1 }),
    event: fc.record({
      type: fc
        .string({ maxLength: 20 })
        .filter(
          (t) =>
            !EVENT_TYPES.includes(t) &&
            ![
              'friend_accepted',
              'friend_removed',
              'position_shared',
              'share_revoked',
              'position_deleted',
              'comment_rejected',
            ].includes(t),
        ),
    }),
  }),
  fc.record({ type: fc.constant('send'), id: uuid, to: fc.array(uuid, { minLength: 1, maxLength: 1 }) }),
  fc.record({ type: fc.constant('ack'), id: uuid, to: notUuid }),
  fc.record({ type: fc.constant('ack'), id: notUuid, to: uuid }),
  fc.record({ type: fc.constant('ack'), id: uuid }),
  // a forged sender: `from` is never accepted from a backend
  fc.record({
    type: fc.constant('send'),
    id: uuid,
    to: fc.array(uuid, { minLength: 1, maxLength: 1 }),
    event: fc.constant({ type: 'typing', ideaId: '00000000-0000-0000-0000-000000000009' }),
    from: fc.record({ id: uuid, displayName: fc.constant('Someone Else') }),
  }),
  fc.record({ type: fc.constant('ack'), id: uuid, to: uuid, by: uuid }),
  validBackendFrame.chain((f) =>
    fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in f) && k !== '__proto__'),
        fc.jsonValue({ maxDepth: 1 }),
      )
      .map(([k, v]) => ({ ...f, [k]: v })),
  ),
  // prototype keys as own fields
  validBackendFrame.map(
    (f) =>
      JSON.parse(`{${JSON.stringify(f).slice(1, -1)},"__proto__":{"polluted":true}}`) as Record<
        string,
        unknown
      >,
  ),
  validBackendFrame.map((f) => ({ ...f, constructor: { prototype: { polluted: true } } })),
)

/** The backend socket's answer to a text frame that is not a valid frame. */
function backendOracle(text: string): Expect {
  const k = jsonKind(text)
  if (k === 'invalid') return { error: 'invalid_json' }
  if (k === 'non-object' || k === 'no-type') return { error: 'invalid_frame' }
  return BACKEND_TYPES.includes(k.type) ? { error: 'invalid_frame' } : { error: 'unknown_type' }
}

/** Hostile frames for `/v1/backends`. `maxPayload` is the relay's MAX_PAYLOAD_BYTES. */
export function backendHostile(maxPayload: number): fc.Arbitrary<Hostile> {
  const t = (kind: string) => (s: string) => text(kind, s, backendOracle(s))
  return fc.oneof(
    { weight: 20, arbitrary: randomText.map(t('random-text')) },
    { weight: 10, arbitrary: nonObjectJson.map((v) => JSON.stringify(v)).map(t('json-not-object')) },
    {
      weight: 10,
      arbitrary: fc
        .option(typeNotString)
        .map((v) => JSON.stringify(v === null ? { id: 'x' } : { type: v }))
        .map(t('type-not-string')),
    },
    {
      weight: 10,
      arbitrary: fc
        .string({ minLength: 0, maxLength: 40 })
        .filter((s) => !BACKEND_TYPES.includes(s))
        .map((type) => JSON.stringify({ type, id: '0193a000-0000-7000-8000-000000000000' }))
        .map(t('unknown-type')),
    },
    { weight: 25, arbitrary: wrongTypedBackend.map((f) => JSON.stringify(f)).map(t('wrong-typed')) },
    {
      weight: 15,
      arbitrary: validBackendFrame
        .map((f) => JSON.stringify(f))
        .chain((s) => fc.integer({ min: 1, max: s.length - 1 }).map((n) => s.slice(0, n)))
        .map(t('truncated')),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.integer({ min: 1000, max: 12_000 }), fc.boolean())
        .map(([n, arr]) => (arr ? deep(n, '[', ']', '0') : deep(n, '{"a":', '}', '0')))
        .map(t('deep-nesting')),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(validBackendFrame, deepInsideArgs)
        .map(([f, [n, arr, rev]]) => deepInside(f, n, arr, rev))
        .map(t('deep-inside-valid')),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 4096 }).map((extra) =>
        text('oversized', `{"type":"watch","userIds":[],"pad":"${'x'.repeat(maxPayload + extra)}"}`, {
          close: 1009,
        }),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .uint8Array({ minLength: 0, maxLength: 256 })
        .map((b) => ({ kind: 'binary', data: Buffer.from(b), binary: true, expect: { close: 1003 } })),
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
