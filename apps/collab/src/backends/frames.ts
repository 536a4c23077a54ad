import {
  type ErrorCode,
  jsonBoundsProblem,
  MAX_RECIPIENTS,
  MAX_WATCH,
  PROTOCOL_VERSION,
  parseFrame,
  REF_MAX_CHARS,
  RelayInboundFrame,
  type UserRef,
  WIRE_EVENT_TYPES,
} from '@pp/contracts'

/**
 * The relay's edge for backend frames: one `JSON.parse`, then a hand-written check of the envelope that
 * accepts exactly what `RelayInboundFrame` (zod, in contracts) accepts. Anything the fast check refuses
 * goes through the zod schema, which either accepts it (the frame is used) or says precisely why not.
 * Outgoing frames are built as strings, once per frame.
 */

const KNOWN_TYPES: ReadonlySet<string> = new Set(['watch', 'send', 'ack'])
const EVENT_TYPES: ReadonlySet<string> = new Set(WIRE_EVENT_TYPES)
/** Same as zod's `z.guid()`. */
const GUID = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/

export type RoutedEventBody = { type: string } & Record<string, unknown>
export type InboundSend = {
  type: 'send'
  id: string
  to: string[]
  event: RoutedEventBody
  traceparent?: string
}
export type InboundAck = { type: 'ack'; id: string; to: string }
export type InboundWatch = { type: 'watch'; userIds: string[] }
export type Inbound = InboundSend | InboundAck | InboundWatch

export type InboundResult =
  | {
      ok: true
      frame: Inbound
      /** For `send`: the event's JSON text as it appears in the frame, when it could be cut out safely. */
      eventJson?: string | undefined
    }
  | { ok: false; code: Exclude<ErrorCode, 'rate_limited'>; message: string; ref?: string }

const isId = (v: unknown): v is string => typeof v === 'string' && v.length === 36 && GUID.test(v)
/** Same as the contract's `Traceparent`. */
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/

function idList(v: unknown, min: number, max: number): v is string[] {
  if (!Array.isArray(v) || v.length < min || v.length > max) return false
  for (let i = 0; i < v.length; i++) if (!isId(v[i])) return false
  return true
}

function keyCount(o: object): number {
  let n = 0
  for (const _ in o) n++
  return n
}

/** The fast check: true only for frames the schema accepts too. */
function fastCheck(o: Record<string, unknown>): o is Inbound {
  switch (o.type) {
    case 'send': {
      const ev = o.event
      return (
        isId(o.id) &&
        idList(o.to, 1, MAX_RECIPIENTS) &&
        typeof ev === 'object' &&
        ev !== null &&
        !Array.isArray(ev) &&
        EVENT_TYPES.has((ev as { type?: unknown }).type as string) &&
        (o.traceparent === undefined
          ? keyCount(o) === 4
          : typeof o.traceparent === 'string' && TRACEPARENT.test(o.traceparent) && keyCount(o) === 5)
      )
    }
    case 'ack':
      return isId(o.id) && isId(o.to) && keyCount(o) === 3
    case 'watch':
      return idList(o.userIds, 0, MAX_WATCH) && keyCount(o) === 2
    default:
      return false
  }
}

export function parseInbound(text: string): InboundResult {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, code: 'invalid_json', message: 'frame is not valid JSON' }
  }
  // Bounded before anything serializes or validates it recursively (JSON.stringify of a value nested
  // thousands deep throws).
  const problem = jsonBoundsProblem(data)
  if (problem !== undefined) {
    const id = (data as { id?: unknown }).id
    const ref = typeof id === 'string' && id.length <= REF_MAX_CHARS ? id : undefined
    return {
      ok: false,
      code: 'invalid_frame',
      message: `frame is ${problem}`,
      ...(ref === undefined ? {} : { ref }),
    }
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    if (fastCheck(data as Record<string, unknown>)) {
      const frame = data as Inbound
      return frame.type === 'send'
        ? { ok: true, frame, eventJson: eventSlice(text, frame) }
        : { ok: true, frame }
    }
  }
  // Slow path: the schema names the problem (or accepts what the fast check was unsure of).
  const r = parseFrame(RelayInboundFrame, text, KNOWN_TYPES)
  if (r.ok) return { ok: true, frame: r.value as Inbound }
  return r.ref === undefined
    ? { ok: false, code: r.code, message: r.message }
    : { ok: false, code: r.code, message: r.message, ref: r.ref }
}

const SEND_HEAD = '{"type":"send","id":"'
const TO_HEAD = '","to":['
const EVENT_HEAD = '],"event":{'

/**
 * A backend serializes `{type, id, to, event}` in that order (JSON.stringify), so the event's text is
 * everything after `"event":` but the closing brace: reusing it saves serializing the event again.
 * The layout is checked at fixed offsets (ids are checked uuids, so the prefix's length is known);
 * anything else (other key order, spaces) is serialized from the parsed object instead. `from` can
 * never be smuggled in: a frame with a `from` key has five keys and was refused before this.
 */
function eventSlice(text: string, f: InboundSend): string | undefined {
  const n = f.to.length
  const eventAt = SEND_HEAD.length + 36 + TO_HEAD.length + n * 38 + (n - 1) + EVENT_HEAD.length - 1
  // A trace context comes last, after the event: `,"traceparent":"…"}`.
  const tail = f.traceparent === undefined ? '}' : `,"traceparent":"${f.traceparent}"}`
  if (
    text.endsWith(tail) &&
    text.charCodeAt(text.length - tail.length - 1) === 125 &&
    text.startsWith(SEND_HEAD) &&
    text.startsWith(f.id, SEND_HEAD.length) &&
    text.startsWith(TO_HEAD, SEND_HEAD.length + 36) &&
    text.startsWith(EVENT_HEAD, eventAt - EVENT_HEAD.length + 1)
  ) {
    return text.slice(eventAt, text.length - tail.length)
  }
  return undefined
}

// ---- outgoing ---------------------------------------------------------------

const q = JSON.stringify

export const welcomeFrame = (user: UserRef, heartbeatMs: number): string =>
  `{"type":"welcome","user":${q(user)},"protocol":${PROTOCOL_VERSION},"heartbeatMs":${heartbeatMs}}`

/** `userJson` is the user's `{id, displayName}` already serialized. */
export const presenceFrame = (userJson: string, online: boolean, at: string): string =>
  `{"type":"presence","user":${userJson},"online":${online},"at":"${at}"}`

/**
 * `id` is a checked uuid, `fromJson` the verified sender serialized once per connection, `eventJson`
 * the event's text cut from the incoming frame (or undefined: the event is serialized here).
 */
export const eventFrame = (
  id: string,
  fromJson: string,
  event: RoutedEventBody,
  eventJson?: string | undefined,
  traceparent?: string | undefined,
): string =>
  `{"type":"event","id":"${id}","from":${fromJson},"event":${eventJson ?? q(event)}${traceparent === undefined ? '' : `,"traceparent":"${traceparent}"`}}`

export const ackByFrame = (id: string, by: string): string => `{"type":"ack","id":"${id}","by":"${by}"}`

export const undeliverableFrame = (id: string, to: string): string =>
  `{"type":"undeliverable","id":"${id}","to":"${to}","reason":"offline"}`

export const errorFrame = (code: ErrorCode, message: string, ref?: string): string =>
  ref === undefined
    ? `{"type":"error","code":"${code}","message":${q(message)}}`
    : `{"type":"error","code":"${code}","message":${q(message)},"ref":${q(ref)}}`

export const DRAIN_FRAME = '{"type":"drain","reason":"shutdown"}'
