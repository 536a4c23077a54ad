import WebSocket from 'ws'

/**
 * Talks to a child started with `--inspect=127.0.0.1:0` over the DevTools protocol: forces a full GC and
 * reads `process.memoryUsage()` inside it, with no change to the app under test.
 */
export class Inspector {
  private nextId = 1
  private readonly pending = new Map<number, (v: unknown) => void>()

  private constructor(private readonly ws: WebSocket) {
    ws.on('close', () => {
      for (const done of this.pending.values()) done({ error: 'inspector connection closed (process gone?)' })
      this.pending.clear()
    })
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: unknown }
      if (msg.id === undefined) return
      const done = this.pending.get(msg.id)
      this.pending.delete(msg.id)
      done?.(msg.error !== undefined ? { error: msg.error } : msg.result)
    })
  }

  static async connect(url: string): Promise<Inspector> {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return new Inspector(ws)
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`inspector ${method} timed out`))
      }, 30_000)
      this.pending.set(id, (v) => {
        clearTimeout(timer)
        resolve(v)
      })
      this.ws.send(JSON.stringify({ id, method, params }))
    })
  }

  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.call('Runtime.evaluate', { expression, returnByValue: true })) as {
      result?: { value?: T }
      exceptionDetails?: unknown
      error?: unknown
    }
    if (r.exceptionDetails !== undefined || r.error !== undefined || r.result === undefined) {
      throw new Error(`evaluate failed: ${JSON.stringify(r)}`)
    }
    return r.result.value as T
  }

  /** Full GC (twice, so weak callbacks run), then the process's memory. */
  async memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
    await this.call('HeapProfiler.enable')
    await this.call('HeapProfiler.collectGarbage')
    await this.call('HeapProfiler.collectGarbage')
    return this.memory()
  }

  memory(): Promise<NodeJS.MemoryUsage> {
    return this.evaluate<NodeJS.MemoryUsage>('process.memoryUsage()')
  }

  /**
   * Starts an event-loop lag probe inside the process (a 50 ms timer measuring its own drift) and returns
   * a reader of the maximum and mean lag since the last read.
   */
  async startLagProbe(): Promise<() => Promise<{ maxMs: number; meanMs: number; samples: number }>> {
    await this.evaluate(`(() => {
      if (globalThis.__chaosLag) return true
      const s = { max: 0, sum: 0, n: 0, last: Date.now() }
      globalThis.__chaosLag = s
      setInterval(() => {
        const now = Date.now()
        const lag = Math.max(0, now - s.last - 50)
        s.last = now
        s.max = Math.max(s.max, lag)
        s.sum += lag
        s.n += 1
      }, 50).unref()
      return true
    })()`)
    return () =>
      this.evaluate(`(() => {
        const s = globalThis.__chaosLag
        const r = { maxMs: s.max, meanMs: s.n ? s.sum / s.n : 0, samples: s.n }
        s.max = 0; s.sum = 0; s.n = 0
        return r
      })()`)
  }

  close(): void {
    this.ws.terminate()
  }
}
