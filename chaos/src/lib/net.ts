import { freePort } from '@pp/test-kit'

export const HOST = '127.0.0.1'
/** A port the OS says is free now (the test kit's; never one of the demo's ports). */
export { freePort }

export async function getJson<T = unknown>(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
  const text = await res.text()
  let body: unknown = text
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, body: body as T }
}

export async function sendJson<T = unknown>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  return getJson<T>(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}
