import { uuidv7 } from 'uuidv7'
import { until } from './wait.js'
import type { Conn } from './ws-client.js'

export type FlowReport = {
  sent: number
  delivered: number
  lost: number
  duplicated: number
  latenciesMs: number[]
}

/**
 * Steady traffic between two well-behaved clients while something hostile happens elsewhere:
 * every `intervalMs` each side sends one message to the other. `finish()` stops, waits for the
 * stragglers, and reports what was lost or duplicated.
 */
abstract class Flow {
  protected sent = new Map<string, number>()
  protected seen = new Map<string, number>()
  readonly latencies: number[] = []
  private timer: NodeJS.Timeout | undefined
  /** Messages sent in each phase (a phase is a label the test sets, e.g. "during fuzz"). */
  readonly perPhase = new Map<string, number>()
  phase = 'before'

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.tick()
      this.perPhase.set(this.phase, (this.perPhase.get(this.phase) ?? 0) + 2)
    }, intervalMs)
  }

  protected abstract tick(): void

  protected received(key: string): void {
    const n = (this.seen.get(key) ?? 0) + 1
    this.seen.set(key, n)
    const at = this.sent.get(key)
    if (n === 1 && at !== undefined) this.latencies.push(performance.now() - at)
  }

  /** Counts a message on any of `conns` whose key `keyOf` finds (a JSON object only). */
  protected listen(conns: Conn[], keyOf: (frame: Record<string, unknown>) => unknown): void {
    for (const c of conns) {
      c.ws.on('message', (data) => {
        let f: unknown
        try {
          f = JSON.parse(String(data))
        } catch {
          return
        }
        if (typeof f !== 'object' || f === null) return
        const key = keyOf(f as Record<string, unknown>)
        if (typeof key === 'string') this.received(key)
      })
    }
  }

  async finish(timeoutMs = 20_000): Promise<FlowReport> {
    clearInterval(this.timer)
    await until('the flow to drain', () => [...this.sent.keys()].every((k) => this.seen.has(k)), {
      timeoutMs,
    }).catch(() => undefined)
    let lost = 0
    let duplicated = 0
    for (const k of this.sent.keys()) {
      const n = this.seen.get(k) ?? 0
      if (n === 0) lost += 1
      if (n > 1) duplicated += n - 1
    }
    return {
      sent: this.sent.size,
      delivered: this.sent.size - lost,
      lost,
      duplicated,
      latenciesMs: this.latencies,
    }
  }
}

/** Two backends exchanging events; the receiver acks, the sender counts each event once by its ack. */
export class BackendFlow extends Flow {
  constructor(
    private readonly a: Conn,
    private readonly b: Conn,
  ) {
    super()
    this.listen([a, b], (f) => (f.type === 'event' ? f.id : undefined))
  }

  protected tick(): void {
    for (const [from, to] of [
      [this.a, this.b],
      [this.b, this.a],
    ] as const) {
      if (!from.open || to.user === undefined) continue
      const id = uuidv7()
      this.sent.set(id, performance.now())
      from.send({ type: 'send', id, to: [to.user.id], event: { type: 'typing', ideaId: uuidv7() } })
    }
  }
}

/** Two members of a session room broadcasting to each other. */
export class SessionFlow extends Flow {
  private n = 0
  constructor(
    private readonly a: Conn,
    private readonly b: Conn,
  ) {
    super()
    this.listen([a, b], (f) => (f.type === 'item:add' ? f.key : undefined))
  }

  protected tick(): void {
    for (const c of [this.a, this.b]) {
      if (!c.open) continue
      const key = `${c.user?.id ?? '?'}-${++this.n}`
      this.sent.set(key, performance.now())
      c.send({ type: 'item:add', key })
    }
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const s = [...values].sort((x, y) => x - y)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}
