import { io, type Socket } from 'socket.io-client'

export type Answer = { status: number; body: unknown }

/** A tiny REST client for a backend's /api/v1. */
export function rest(api: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
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

/** A socket.io client recording every live event it receives. */
export async function liveClient(
  origin: string,
): Promise<{ socket: Socket; events: LiveEvent[]; close: () => void }> {
  const socket = io(origin, { transports: ['websocket'], reconnection: false })
  const events: LiveEvent[] = []
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload }))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return { socket, events, close: () => socket.close() }
}
