/**
 * One bench backend connection, over the relay protocol (ours and the raw forwarder speak it) or over
 * Socket.IO. Each reports events, presence and closes to the driver through plain callbacks.
 */
import { io, type Socket } from 'socket.io-client'
import WebSocket from 'ws'
import { userId } from '../lib/ids.js'
import type { Kind } from '../lib/procs.js'

export interface Handlers {
  /** Any routed event: the raw text for ws, the body text for Socket.IO (both hold the bench marker). */
  event(text: string, client: Client): void
  presence(user: string, online: boolean, client: Client): void
  /** `drained`: the server said `drain` first (the backend then reconnects at once). */
  closed(client: Client, drained: boolean): void
  error(code: string): void
}

export interface Client {
  readonly index: number
  readonly id: string
  /** Sends frames as objects (Socket.IO serialises them) rather than as prepared JSON text. */
  readonly objects: boolean
  connected: boolean
  connect(): Promise<void>
  sendText(frame: string): void
  sendObject(frame: { id: string; to: string[]; event: unknown }): void
  watch(ids: string[]): void
  close(): void
}

export interface ClientOptions {
  kind: Kind
  url: string
  index: number
  token: string
  localAddress: string
  handlers: Handlers
}

const CONNECT_TIMEOUT_MS = 15_000

class WsClient implements Client {
  readonly id: string
  readonly objects = false
  connected = false
  private drained = false
  private ws: WebSocket | undefined

  constructor(
    readonly index: number,
    private readonly o: ClientOptions,
  ) {
    this.id = userId(index)
  }

  connect(): Promise<void> {
    const ws = new WebSocket(`${this.o.url.replace(/^http/, 'ws')}/v1/backends`, {
      headers: { authorization: `Bearer ${this.o.token}` },
      perMessageDeflate: false,
      localAddress: this.o.localAddress,
      handshakeTimeout: CONNECT_TIMEOUT_MS,
    })
    this.ws = ws
    this.drained = false
    return new Promise((resolve, reject) => {
      let settled = false
      ws.on('message', (data) => {
        const text = data.toString()
        if (text.charCodeAt(9) === 101 && text.startsWith('{"type":"event"')) {
          this.o.handlers.event(text, this)
          return
        }
        let f: { type?: string; user?: { id?: string }; online?: boolean; code?: string }
        try {
          f = JSON.parse(text)
        } catch {
          return
        }
        switch (f.type) {
          case 'event':
            this.o.handlers.event(text, this)
            break
          case 'welcome':
            this.connected = true
            if (!settled) {
              settled = true
              resolve()
            }
            break
          case 'presence':
            if (typeof f.user?.id === 'string') this.o.handlers.presence(f.user.id, f.online === true, this)
            break
          case 'error':
            this.o.handlers.error(f.code ?? 'error')
            break
          case 'drain':
            // As the backend does: close, and reconnect at once (here, when the relay is back).
            this.drained = true
            ws.close(1000)
            break
          default:
            break
        }
      })
      ws.on('error', (e) => {
        if (!settled) {
          settled = true
          reject(e)
        }
      })
      ws.on('close', () => {
        const was = this.connected
        this.connected = false
        if (!settled) {
          settled = true
          reject(new Error('closed before welcome'))
        }
        if (was) this.o.handlers.closed(this, this.drained)
      })
    })
  }

  sendText(frame: string): void {
    this.ws?.send(frame)
  }

  sendObject(frame: { id: string; to: string[]; event: unknown }): void {
    this.ws?.send(JSON.stringify({ type: 'send', ...frame }))
  }

  watch(ids: string[]): void {
    this.ws?.send(JSON.stringify({ type: 'watch', userIds: ids }))
  }

  close(): void {
    this.connected = false
    this.ws?.removeAllListeners('close')
    this.ws?.terminate()
  }
}

class SioClient implements Client {
  readonly id: string
  readonly objects = true
  connected = false
  private socket: Socket | undefined

  constructor(
    readonly index: number,
    private readonly o: ClientOptions,
  ) {
    this.id = userId(index)
  }

  connect(): Promise<void> {
    // Default engine and parser; the websocket transport straight away (no long-polling first), which
    // is the faster way to start a Socket.IO client and what a server-to-server client would choose.
    const socket = io(this.o.url, {
      auth: { token: this.o.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS,
      localAddress: this.o.localAddress,
    } as Parameters<typeof io>[1])
    this.socket = socket
    return new Promise((resolve, reject) => {
      let settled = false
      socket.on('event', (f: { event?: { comment?: { body?: string } } }) => {
        this.o.handlers.event(f.event?.comment?.body ?? '', this)
      })
      socket.on('welcome', () => {
        this.connected = true
        if (!settled) {
          settled = true
          resolve()
        }
      })
      socket.on('presence', (f: { user?: { id?: string }; online?: boolean }) => {
        if (typeof f.user?.id === 'string') this.o.handlers.presence(f.user.id, f.online === true, this)
      })
      socket.on('connect_error', (e) => {
        if (!settled) {
          settled = true
          reject(e)
        }
      })
      socket.on('disconnect', () => {
        const was = this.connected
        this.connected = false
        if (!settled) {
          settled = true
          reject(new Error('disconnected before welcome'))
        }
        if (was) this.o.handlers.closed(this, false)
      })
    })
  }

  sendText(frame: string): void {
    const f = JSON.parse(frame) as { id: string; to: string[]; event: unknown }
    this.sendObject(f)
  }

  sendObject(frame: { id: string; to: string[]; event: unknown }): void {
    this.socket?.emit('send', frame)
  }

  watch(ids: string[]): void {
    this.socket?.emit('watch', { userIds: ids })
  }

  close(): void {
    this.connected = false
    this.socket?.off('disconnect')
    this.socket?.disconnect()
  }
}

export function makeClient(o: ClientOptions): Client {
  return o.kind === 'sio' ? new SioClient(o.index, o) : new WsClient(o.index, o)
}
