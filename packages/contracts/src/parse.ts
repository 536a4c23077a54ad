import type { z } from 'zod'
import { REF_MAX_CHARS } from './relay-frames.js'

export type ParseFailure = { ok: false; path: string; message: string }
export type ParseResult<T> = { ok: true; value: T } | ParseFailure

/** Dotted path of a zod issue, e.g. `event.comment.body` or `to.0`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.')
}

/** Parses an unknown value into a schema's type, or says where and why it failed. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): ParseResult<z.infer<S>> {
  const r = schema.safeParse(value)
  if (r.success) return { ok: true, value: r.data }
  const issue = r.error.issues[0]
  if (issue === undefined) return { ok: false, path: '', message: 'invalid' }
  const path = issuePath(issue.path)
  return { ok: false, path, message: path ? `${path}: ${issue.message}` : issue.message }
}

/** Deepest nesting any wire JSON may have: the deepest real frame (a snapshot's comment's author) is 6. */
export const MAX_JSON_DEPTH = 32
/** Most values (objects, arrays, scalars) one wire JSON text may hold. */
export const MAX_JSON_NODES = 100_000

/**
 * Why `value` (fresh from JSON.parse) is out of bounds, or undefined when it is within them. Iterative,
 * so a value nested a million levels deep is measured without recursion, and stops at the first excess.
 * Everything later serialized or validated recursively (JSON.stringify, zod, loggers) is safe on a value
 * that passed.
 */
export function jsonBoundsProblem(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
  maxNodes: number = MAX_JSON_NODES,
): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const stack: unknown[] = [value]
  const depths: number[] = [1]
  let nodes = 0
  while (stack.length > 0) {
    const v = stack.pop()
    const depth = depths.pop() ?? 0
    nodes++
    if (nodes > maxNodes) return `too many values (more than ${maxNodes})`
    if (typeof v !== 'object' || v === null) continue
    if (depth > maxDepth) return `nested deeper than ${maxDepth} levels`
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c = v[i]
        if (typeof c === 'object' && c !== null) {
          stack.push(c)
          depths.push(depth + 1)
        } else if (++nodes > maxNodes) return `too many values (more than ${maxNodes})`
      }
    } else {
      for (const k in v) {
        const c = (v as Record<string, unknown>)[k]
        if (typeof c === 'object' && c !== null) {
          stack.push(c)
          depths.push(depth + 1)
        } else if (++nodes > maxNodes) return `too many values (more than ${maxNodes})`
      }
    }
  }
  return undefined
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string }

/** JSON.parse of untrusted text, then the depth and size bounds; never throws. */
export function parseJsonBounded(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  maxNodes = MAX_JSON_NODES,
): JsonParse {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, message: 'not valid JSON' }
  }
  const problem = jsonBoundsProblem(value, maxDepth, maxNodes)
  return problem === undefined ? { ok: true, value } : { ok: false, message: problem }
}

export type FrameParse<T> =
  | { ok: true; value: T }
  | { ok: false; code: 'invalid_json' | 'invalid_frame' | 'unknown_type'; message: string; ref?: string }

/**
 * Parses one text frame: JSON, then an object with a known `type`, then the schema.
 * `ref` is the frame's `id` when it had a string one, so an error frame can name it.
 */
export function parseFrame<S extends z.ZodType>(
  schema: S,
  text: string,
  knownTypes: ReadonlySet<string>,
): FrameParse<z.infer<S>> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, code: 'invalid_json', message: 'frame is not valid JSON' }
  }
  const problem = jsonBoundsProblem(data)
  if (problem !== undefined) return { ok: false, code: 'invalid_frame', message: `frame is ${problem}` }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, code: 'invalid_frame', message: 'frame must be a JSON object' }
  }
  const obj = data as Record<string, unknown>
  const ref = typeof obj.id === 'string' && obj.id.length <= REF_MAX_CHARS ? obj.id : undefined
  const withRef = <F extends object>(f: F) => (ref === undefined ? f : { ...f, ref })
  if (typeof obj.type !== 'string') {
    return withRef({ ok: false as const, code: 'invalid_frame' as const, message: 'type: must be a string' })
  }
  if (!knownTypes.has(obj.type)) {
    return withRef({
      ok: false as const,
      code: 'unknown_type' as const,
      message: `unknown frame type ${JSON.stringify(obj.type.slice(0, 64))}`,
    })
  }
  const r = parseWith(schema, data)
  if (r.ok) return r
  return withRef({ ok: false as const, code: 'invalid_frame' as const, message: r.message })
}
