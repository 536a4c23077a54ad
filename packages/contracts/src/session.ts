import { z } from 'zod'

/** Session rooms for desktop clients: ws://relay/ws/{session_id}/{user_id}. */
export const SESSION_PROTOCOL_VERSION = 1
export const SESSION_PATH_PATTERN = '/ws/:sessionId/:userId'
/** Allowed characters of a session id or user id in the path. */
export const SessionName = z
  .string()
  .regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ : @ -')

export const ConnectionAck = z.object({
  type: z.literal('connection:ack'),
  session_id: z.string(),
  user_id: z.string(),
  users: z.array(z.string()),
  protocol: z.number().int(),
  heartbeat_interval_ms: z.number().int(),
  max_message_bytes: z.number().int(),
})
export type ConnectionAck = z.infer<typeof ConnectionAck>

export const SessionPing = z.looseObject({ type: z.literal('ping') })
export const SessionPong = z.object({ type: z.literal('pong'), timestamp: z.string() })
export const UserJoined = z.object({
  type: z.literal('user:joined'),
  session_id: z.string(),
  user_id: z.string(),
  users: z.array(z.string()),
  timestamp: z.string(),
})
export const UserLeft = z.object({
  type: z.literal('user:left'),
  session_id: z.string(),
  user_id: z.string(),
  users: z.array(z.string()),
  timestamp: z.string(),
})
export const SyncRequest = z.object({ type: z.literal('sync:request'), requester: z.string() })
/** A member's answer to `sync:request`; forwarded to the requester only. */
export const SyncState = z.looseObject({
  type: z.literal('sync:state'),
  requester: z.string(),
  state: z.record(z.string(), z.unknown()),
})
/** Sent to a late joiner when no member answered its `sync:request` (each was asked in turn, or left). */
export const SyncUnavailable = z.object({
  type: z.literal('sync:unavailable'),
  requester: z.string(),
  timestamp: z.string(),
})
export const SESSION_ERROR_CODES = ['invalid_json', 'missing_type', 'invalid_message'] as const
export const SessionError = z.object({
  type: z.literal('error'),
  code: z.enum(SESSION_ERROR_CODES),
  message: z.string(),
})
export type SessionError = z.infer<typeof SessionError>

/** Any other message: an object with a string `type`, broadcast with `user_id` and `timestamp` added. */
export const SessionBroadcast = z.looseObject({ type: z.string().min(1).max(128) })
export type SessionBroadcast = z.infer<typeof SessionBroadcast>

/** Message types the server itself sends; a client may not broadcast them. */
export const SESSION_RESERVED_TYPES = [
  'connection:ack',
  'pong',
  'user:joined',
  'user:left',
  'sync:request',
  'error',
  'sync:unavailable',
] as const
