import fc from 'fast-check'

/**
 * Hostile inputs for the relay's two WebSocket surfaces, each with what the relay must answer:
 * an `error` frame with a given code (the connection stays open), a close with a given code, or —
 * for frames that are well-formed but nasty — anything except a crash.
 */
export type Expect = { error: string } | { close: number } | { survive: true }
export type Hostile = { kind: string; data: string | Buffer; binary: boolean; expect: Expect }

export const uuid = fc.uuid()
export const notUuid = fc.oneof(
  fc
    .string({ maxLength: 40 })
    .filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
)
export const notArray = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(null),
  fc.object({ maxDepth: 1 }),
)
export const notObject = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer()),
)

export const deep = (n: number, open: string, close: string, inner: string) =>
  open.repeat(n) + inner + close.repeat(n)

/**
 * A valid frame or message with a value nested `n` deep inside it (in a `send`, inside its event), its
 * keys in the given order or reversed: the shape that once got past the edge and threw in a serializer.
 */
export function deepInside(
  valid: Record<string, unknown>,
  n: number,
  arr: boolean,
  reversed: boolean,
): string {
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
export const deepInsideArgs = fc.tuple(fc.integer({ min: 1000, max: 12_000 }), fc.boolean(), fc.boolean())

export const randomText = fc.string({ unit: 'binary', maxLength: 300 })
export const nonObjectJson = fc
  .jsonValue({ maxDepth: 3 })
  .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
export const typeNotString = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string()),
  fc.object({ maxDepth: 1 }),
)

export function jsonKind(text: string): 'invalid' | 'non-object' | 'no-type' | { type: string } {
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

export const text = (kind: string, data: string, expect: Expect): Hostile => ({
  kind,
  data,
  binary: false,
  expect,
})

/**
 * A deterministic list of `n` hostile inputs from `seed`. Whatever its content, a frame over
 * `maxPayload` bytes must be closed with 1009 before it is read.
 */
export function sample(arb: fc.Arbitrary<Hostile>, n: number, seed: number, maxPayload: number): Hostile[] {
  return fc
    .sample(arb, { numRuns: n, seed })
    .map((h) => (Buffer.byteLength(h.data) > maxPayload ? { ...h, expect: { close: 1009 } } : h))
}
