import WebSocket from 'ws'

export type Message = Record<string, unknown>
export type Closed = { code: number; reason: string }

/** A Node `ws` session client that records every message and waits for conditions. */
export class SessionClient {
  readonly messages: Message[] = []
  readonly raw: string[] = []
  protocolPings = 0
  closedWith: Closed | undefined
  readonly ws: WebSocket
  readonly opened: Promise<void>
  readonly closed: Promise<Closed>
  #waiters: Array<() => void> = []

  constructor(url: string) {
    this.ws = new WebSocket(url, { perMessageDeflate: false })
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('error', reject)
    })
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() }
        resolve(this.closedWith)
        this.#wake()
      })
    })
    this.ws.on('error', () => {})
    this.ws.on('ping', () => {
      this.protocolPings += 1
    })
    this.ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString()
      this.raw.push(text)
      try {
        const parsed: unknown = JSON.parse(text)
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          this.messages.push(parsed as Message)
        }
      } catch {
        // recorded in `raw` only
      }
      this.#wake()
    })
  }

  static async open(base: string, sessionId: string, userId: string, query = ''): Promise<SessionClient> {
    const client = new SessionClient(`${base}/ws/${sessionId}/${userId}${query}`)
    await client.opened
    return client
  }

  /** Opens and waits for `connection:ack`. */
  static async join(base: string, sessionId: string, userId: string, query = ''): Promise<SessionClient> {
    const client = await SessionClient.open(base, sessionId, userId, query)
    await client.next((m) => m.type === 'connection:ack')
    return client
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  ofType(type: string): Message[] {
    return this.messages.filter((m) => m.type === type)
  }

  /** Waits for the first recorded message matching `match` (including ones already received). */
  async next(match: (m: Message) => boolean, limitMs = 15_000): Promise<Message> {
    return this.until(
      `a matching message (got ${JSON.stringify(this.messages.slice(-3))})`,
      () => this.messages.find(match),
      limitMs,
    )
  }

  /** Waits until `check` returns a value; re-checked on every message and on close. */
  until<T>(what: string, check: () => T | undefined, limitMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const tryIt = () => {
        const value = check()
        if (value === undefined) return false
        clearTimeout(timer)
        this.#waiters = this.#waiters.filter((w) => w !== waiter)
        resolve(value)
        return true
      }
      const waiter = () => {
        tryIt()
      }
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter)
        reject(new Error(`timed out waiting for ${what}`))
      }, limitMs)
      if (!tryIt()) this.#waiters.push(waiter)
    })
  }

  async close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(1000)
    return this.closed
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w()
  }
}
