import {
  jsonBoundsProblem,
  parseWith,
  SESSION_RESERVED_TYPES,
  SessionBroadcast,
  type SessionError,
  SyncState,
} from '@pp/contracts'

type ErrorCode = SessionError['code']

/** A text frame from a session member, classified once at the edge. */
export type Incoming =
  | { kind: 'ping' }
  | { kind: 'sync-state'; requester: string; state: Record<string, unknown> }
  | { kind: 'broadcast'; type: string; body: Record<string, unknown> }
  | { kind: 'error'; code: ErrorCode; message: string }

const reserved: ReadonlySet<string> = new Set(SESSION_RESERVED_TYPES)

/** Parses one text frame into what the room should do with it. Never throws. */
export function classify(text: string): Incoming {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { kind: 'error', code: 'invalid_json', message: 'message is not valid JSON' }
  }
  // Bounded before the room serializes it again for its members (JSON.stringify recurses).
  const problem = jsonBoundsProblem(data)
  if (problem !== undefined)
    return { kind: 'error', code: 'invalid_message', message: `message is ${problem}` }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      kind: 'error',
      code: 'missing_type',
      message: 'message must be a JSON object with a string "type"',
    }
  }
  const type: unknown = (data as Record<string, unknown>).type
  if (typeof type !== 'string') {
    return { kind: 'error', code: 'missing_type', message: 'message needs a string "type"' }
  }
  if (type === 'ping') return { kind: 'ping' }
  if (type === 'sync:state') {
    const parsed = parseWith(SyncState, data)
    if (!parsed.ok)
      return { kind: 'error', code: 'invalid_message', message: `sync:state: ${parsed.message}` }
    return { kind: 'sync-state', requester: parsed.value.requester, state: parsed.value.state }
  }
  if (reserved.has(type)) {
    return { kind: 'error', code: 'invalid_message', message: `type "${type}" is sent by the server only` }
  }
  const parsed = parseWith(SessionBroadcast, data)
  if (!parsed.ok) return { kind: 'error', code: 'invalid_message', message: parsed.message }
  return { kind: 'broadcast', type, body: parsed.value }
}
