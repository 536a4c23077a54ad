import { createServer } from 'node:net'

export const HOST = '127.0.0.1'
/** The demo's ports; never used by the suite. */
const RESERVED = new Set([3000, 3001, 3002, 8000, 8001, 8002, 9000, 9001])

/** A port the OS says is free now (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer()
      srv.once('error', reject)
      srv.listen(0, HOST, () => {
        const addr = srv.address()
        const p = typeof addr === 'object' && addr !== null ? addr.port : 0
        srv.close(() => resolve(p))
      })
    })
    if (!RESERVED.has(port)) return port
  }
}

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
