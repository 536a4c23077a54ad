import type { z } from 'zod'

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
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, code: 'invalid_frame', message: 'frame must be a JSON object' }
  }
  const obj = data as Record<string, unknown>
  const ref = typeof obj.id === 'string' && obj.id.length <= 64 ? obj.id : undefined
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
