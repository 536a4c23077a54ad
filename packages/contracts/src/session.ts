import { z } from 'zod'

/** Session rooms for desktop clients: ws://relay/ws/{session_id}/{user_id}. */
export const SESSION_PROTOCOL_VERSION = 1
export const SESSION_PATH_PATTERN = '/ws/:sessionId/:userId'
/** Longest session id or user id, in characters (code points) after percent-decoding. */
export const SESSION_NAME_MAX_CHARS = 128
/** Control characters (U+0000-U+001F, U+007F) and `/`: the only characters an id may not contain. */
const isForbiddenInName = (code: number) => code <= 0x1f || code === 0x7f || code === 0x2f
const isSessionName = (s: string): boolean => {
  if (s.length === 0 || [...s].length > SESSION_NAME_MAX_CHARS) return false
  for (let i = 0; i < s.length; i += 1) if (isForbiddenInName(s.charCodeAt(i))) return false
  return true
}
/**
 * A session id or user id as decoded from the path (`user%20one` is "user one"): 1-128 characters,
 * any but control characters and `/`.
 */
export const SessionName = z.string().refine(isSessionName, {
  message: `must be 1-${SESSION_NAME_MAX_CHARS} characters, without control characters or /`,
})

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
export const SESSION_ERROR_CODES = [
  'invalid_json',
  'missing_type',
  'invalid_message',
  'rate_limited',
] as const
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
] as const
