import { z } from 'zod'
import { Id, IsoTime, UserRef } from './common.js'
import { WIRE_EVENT_TYPES, WireEvent } from './domain-events.js'

/** Version of the relay ↔ backend protocol; a relay answers `welcome.protocol` with it. */
export const PROTOCOL_VERSION = 1
export const BACKEND_SOCKET_PATH = '/v1/backends'

export const MAX_RECIPIENTS = 1000

/**
 * W3C trace context of the span that sent a frame (optional): a relay and the receiving backend continue
 * the sender's trace, so one comment is one trace from the browser that wrote it to the one that shows it.
 */
export const Traceparent = z
  .string()
  .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent')
export const MAX_WATCH = 10_000

// ---- backend → relay -------------------------------------------------------

export const WatchFrame = z.strictObject({ type: z.literal('watch'), userIds: z.array(Id).max(MAX_WATCH) })
export const SendFrame = z.strictObject({
  type: z.literal('send'),
  id: Id,
  to: z.array(Id).min(1).max(MAX_RECIPIENTS),
  event: WireEvent,
  traceparent: Traceparent.optional(),
})
export const AckToFrame = z.strictObject({ type: z.literal('ack'), id: Id, to: Id })

/** What a backend may send: its events are sealed for their recipient (or a `hello`). */
export const BackendFrame = z.discriminatedUnion('type', [WatchFrame, SendFrame, AckToFrame])
export type BackendFrame = z.infer<typeof BackendFrame>

/**
 * What the relay accepts: the same envelope, strict, but the event inside is only checked for a known
 * `type`. The relay routes events without understanding them; the receiving backend validates them.
 */
export const RoutedEvent = z.looseObject({ type: z.enum(WIRE_EVENT_TYPES) })
export const RelaySendFrame = z.strictObject({
  type: z.literal('send'),
  id: Id,
  to: z.array(Id).min(1).max(MAX_RECIPIENTS),
  event: RoutedEvent,
  traceparent: Traceparent.optional(),
})
export const RelayInboundFrame = z.discriminatedUnion('type', [WatchFrame, RelaySendFrame, AckToFrame])
export type RelayInboundFrame = z.infer<typeof RelayInboundFrame>

// ---- relay → backend -------------------------------------------------------

export const WelcomeFrame = z.strictObject({
  type: z.literal('welcome'),
  user: UserRef,
  protocol: z.number().int(),
  heartbeatMs: z.number().int().positive(),
})
export const PresenceFrame = z.strictObject({
  type: z.literal('presence'),
  user: UserRef,
  online: z.boolean(),
  at: IsoTime,
})
export const EventFrame = z.strictObject({
  type: z.literal('event'),
  id: Id,
  from: UserRef,
  event: WireEvent,
  traceparent: Traceparent.optional(),
})
export const AckByFrame = z.strictObject({ type: z.literal('ack'), id: Id, by: Id })
export const UndeliverableFrame = z.strictObject({
  type: z.literal('undeliverable'),
  id: Id,
  to: Id,
  reason: z.literal('offline'),
})
/** Longest `id` of a refused frame an `error` frame echoes as its `ref`. */
export const REF_MAX_CHARS = 64
export const ERROR_CODES = ['invalid_json', 'invalid_frame', 'unknown_type', 'rate_limited'] as const
export const ErrorCode = z.enum(ERROR_CODES)
export type ErrorCode = z.infer<typeof ErrorCode>
export const ErrorFrame = z.strictObject({
  type: z.literal('error'),
  code: ErrorCode,
  message: z.string(),
  /** The refused frame's `id` when it had a string one (up to 64 characters), a uuid or not. */
  ref: z.string().max(REF_MAX_CHARS).optional(),
})
export const DrainFrame = z.strictObject({ type: z.literal('drain'), reason: z.literal('shutdown') })

export const RelayFrame = z.discriminatedUnion('type', [
  WelcomeFrame,
  PresenceFrame,
  EventFrame,
  AckByFrame,
  UndeliverableFrame,
  ErrorFrame,
  DrainFrame,
])
export type RelayFrame = z.infer<typeof RelayFrame>

export type WatchFrame = z.infer<typeof WatchFrame>
export type SendFrame = z.infer<typeof SendFrame>
export type AckToFrame = z.infer<typeof AckToFrame>
export type WelcomeFrame = z.infer<typeof WelcomeFrame>
export type PresenceFrame = z.infer<typeof PresenceFrame>
export type EventFrame = z.infer<typeof EventFrame>
export type AckByFrame = z.infer<typeof AckByFrame>
export type UndeliverableFrame = z.infer<typeof UndeliverableFrame>
export type ErrorFrame = z.infer<typeof ErrorFrame>
export type DrainFrame = z.infer<typeof DrainFrame>
