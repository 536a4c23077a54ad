import { type IncomingHttpHeaders, request } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { io, type Socket } from 'socket.io-client'

export type Answer = { status: number; body: unknown }

/** One https request trusting `ca` (global fetch has no CA option): status and body text. */
function httpsCall(
  url: string,
  ca: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * A tiny REST client for a backend's /api/v1, signed in with its API token (Bearer) when given one;
 * `ca` (PEM) is trusted for an https:// backend.
 */
export function rest(api: string, token?: string, ca?: string) {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    if (ca !== undefined && api.startsWith('https:')) {
      const json = body === undefined ? undefined : JSON.stringify(body)
      const headers = json === undefined ? auth : { ...auth, 'content-type': 'application/json' }
      const res = await httpsCall(`${api}${path}`, ca, method, headers, json)
      return { status: res.status, body: res.text === '' ? null : (JSON.parse(res.text) as unknown) }
    }
    const res = await fetch(`${api}${path}`, {
      method,
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) }
  }
  return {
    call,
    /** The JSON of a 2xx answer, or throws with the answer. */
    async ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
      const a = await call(method, path, body)
      if (a.status < 200 || a.status > 299)
        throw new Error(`${method} ${path} → ${a.status} ${JSON.stringify(a.body)}`)
      return a.body as T
    },
    get: <T = unknown>(path: string) =>
      call('GET', path).then((a) => {
        if (a.status !== 200) throw new Error(`GET ${path} → ${a.status} ${JSON.stringify(a.body)}`)
        return a.body as T
      }),
  }
}

export type LiveEvent = { name: string; payload: unknown }

/**
 * A socket.io client recording every live event it receives, signed in with the API token (a string) or
 * with other handshake headers (e.g. `{ cookie }`).
 */
export async function liveClient(
  origin: string,
  credentials?: string | Record<string, string>,
  /** CA (PEM) trusted for an https:// backend (its socket.io runs over wss://). */
  ca?: string,
): Promise<{ socket: Socket; events: LiveEvent[]; close: () => void }> {
  const extraHeaders =
    typeof credentials === 'string' ? { authorization: `Bearer ${credentials}` } : (credentials ?? {})
  const socket = io(origin, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders,
    ...(ca === undefined ? {} : { ca }),
  })
  const events: LiveEvent[] = []
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload }))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return { socket, events, close: () => socket.close() }
}

export type RawAnswer = { status: number; headers: IncomingHttpHeaders; body: string }

/** One HTTP request with exactly the headers given (Host, Origin, Sec-Fetch-Site included). */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: opts.method ?? 'GET',
        headers: {
          ...(opts.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(opts.body)) }),
          ...opts.headers,
        },
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** Whether a socket.io client with these handshake headers is let in (true) or refused (false). */
export async function liveAdmitted(origin: string, extraHeaders: Record<string, string>): Promise<boolean> {
  try {
    const c = await liveClient(origin, extraHeaders)
    c.close()
    return true
  } catch {
    return false
  }
}
