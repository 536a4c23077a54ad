import { jsonBoundsProblem } from '@pp/contracts'
import fc from 'fast-check'

/**
 * Hostile inputs for the relay's two WebSocket surfaces, each with what the relay must answer:
 * an `error` frame with a given code (the connection stays open), a close with a given code, or —
 * for frames that are well-formed but nasty — anything except a crash.
 */
export type Expect = { error: string } | { close: number } | { survive: true }
export type Hostile = { kind: string; data: string | Buffer; binary: boolean; expect: Expect }

const uuid = fc.uuid()
const notUuid = fc.oneof(
  fc
    .string({ maxLength: 40 })
    .filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
)
const notArray = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(null),
  fc.object({ maxDepth: 1 }),
)
const notObject = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer()),
)

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

const deep = (n: number, open: string, close: string, inner: string) =>
  open.repeat(n) + inner + close.repeat(n)

/**
 * A valid frame or message with a value nested `n` deep inside it (in a `send`, inside its event), its
 * keys in the given order or reversed: the shape that once got past the edge and threw in a serializer.
 */
function deepInside(valid: Record<string, unknown>, n: number, arr: boolean, reversed: boolean): string {
  const slot = '\u0000deep-slot'
  const inner = arr ? deep(n, '[', ']', '0') : deep(n, '{"a":', '}', '0')
  const withSlot =
    typeof valid.event === 'object' && valid.event !== null
      ? { ...valid, event: { ...(valid.event as Record<string, unknown>), payload: slot } }
      : { ...valid, payload: slot }
  const entries = Object.entries(withSlot)
  if (reversed) entries.reverse()
  return JSON.stringify(Object.fromEntries(entries)).replace(JSON.stringify(slot), inner)
}
const deepInsideArgs = fc.tuple(fc.integer({ min: 1000, max: 12_000 }), fc.boolean(), fc.boolean())

const randomText = fc.string({ unit: 'binary', maxLength: 300 })
const nonObjectJson = fc
  .jsonValue({ maxDepth: 3 })
  .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
const typeNotString = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string()),
  fc.object({ maxDepth: 1 }),
)

function jsonKind(text: string): 'invalid' | 'non-object' | 'no-type' | { type: string } {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return 'invalid'
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'non-object'
  const t = (v as Record<string, unknown>).type
  return typeof t === 'string' ? { type: t } : 'no-type'
}

/** The backend socket's answer to a text frame that is not a valid frame. */
function backendOracle(text: string): Expect {
  const k = jsonKind(text)
  if (k === 'invalid') return { error: 'invalid_json' }
  if (k === 'non-object' || k === 'no-type') return { error: 'invalid_frame' }
  return BACKEND_TYPES.includes(k.type) ? { error: 'invalid_frame' } : { error: 'unknown_type' }
}

const text = (kind: string, data: string, expect: Expect): Hostile => ({ kind, data, binary: false, expect })

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

/**
 * A deterministic list of `n` hostile inputs from `seed`. Whatever its content, a frame over
 * `maxPayload` bytes must be closed with 1009 before it is read.
 */
export function sample(arb: fc.Arbitrary<Hostile>, n: number, seed: number, maxPayload: number): Hostile[] {
  return fc
    .sample(arb, { numRuns: n, seed })
    .map((h) => (Buffer.byteLength(h.data) > maxPayload ? { ...h, expect: { close: 1009 } } : h))
}
