import { Inspector } from './inspector.js'
import { freePort, getJson, HOST } from './net.js'
import { RELAY_SERVER } from './paths.js'
import { Proc } from './proc.js'
import { SECRET } from './tokens.js'
import { until } from './wait.js'

export type RelayOptions = {
  name?: string
  env?: Record<string, string>
  /** Start with --inspect so the suite can force a GC and read memory inside the relay. */
  inspect?: boolean
  port?: number
}

export type RelayHealth = {
  status: string
  uptime: number
  active_users: number
  total_connections: number
  total_events_routed: number
  [k: string]: unknown
}

let starts = 0

/** The relay as a real process: `node apps/collab/dist/server.js --port P --host 127.0.0.1`. */
export class Relay {
  proc: Proc
  inspector: Inspector | undefined
  /** Processes of earlier runs (before restarts), kept to check none of them crashed. */
  readonly history: Proc[] = []

  private constructor(
    readonly port: number,
    private readonly opts: RelayOptions,
    proc: Proc,
  ) {
    this.proc = proc
  }

  static async start(opts: RelayOptions = {}): Promise<Relay> {
    const port = opts.port ?? (await freePort())
    const relay = new Relay(port, opts, Relay.spawn(port, opts))
    await relay.ready()
    return relay
  }

  private static spawn(port: number, opts: RelayOptions): Proc {
    const args = [
      ...(opts.inspect ? ['--inspect=127.0.0.1:0'] : []),
      RELAY_SERVER,
      '--port',
      String(port),
      '--host',
      HOST,
    ]
    return new Proc(`${opts.name ?? 'relay'}-${port}-${++starts}`, args, {
      COLLAB_JWT_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      ...opts.env,
    })
  }

  get httpUrl(): string {
    return `http://${HOST}:${this.port}`
  }
  get backendsUrl(): string {
    return `ws://${HOST}:${this.port}/v1/backends`
  }
  sessionUrl(sessionId: string, userId: string): string {
    return `ws://${HOST}:${this.port}/ws/${encodeURIComponent(sessionId)}/${encodeURIComponent(userId)}`
  }

  private async ready(): Promise<void> {
    const proc = this.proc
    await until(
      `relay on ${this.port} healthy`,
      async () => {
        if (!proc.alive) throw new Error(`relay exited ${JSON.stringify(proc.exit)}:\n${proc.tail()}`)
        const h = await getJson<RelayHealth>(`${this.httpUrl}/health`)
        return h.status === 200 && h.body.status === 'healthy'
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    )
    if (this.opts.inspect) {
      const line = await until('inspector url', () =>
        proc.lines().find((l) => l.includes('Debugger listening on ws://')),
      )
      const url = line.slice(line.indexOf('ws://')).trim()
      const inspector = await Inspector.connect(url)
      this.inspector = inspector
      // A process that dies with a debugger attached waits for it to go: let it go, so it exits.
      proc.child.stderr?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('Waiting for the debugger to disconnect')) inspector.close()
      })
    }
  }

  async health(): Promise<RelayHealth> {
    const h = await getJson<RelayHealth>(`${this.httpUrl}/health`)
    if (h.status !== 200) throw new Error(`relay /health answered ${h.status}`)
    return h.body
  }

  async metrics(): Promise<string> {
    const res = await fetch(`${this.httpUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })
    return res.text()
  }

  /** SIGKILL the relay (a fault: no drain, sockets reset). */
  async crash(): Promise<void> {
    this.inspector?.close()
    this.inspector = undefined
    await this.proc.kill()
  }

  /** Start a fresh relay process on the same port. */
  async restart(): Promise<void> {
    if (this.proc.alive) await this.crash()
    this.history.push(this.proc)
    this.proc = Relay.spawn(this.port, this.opts)
    await this.ready()
  }

  /** True when any relay process this object ran ended without being told to. */
  crashes(): number {
    return [...this.history, this.proc].filter((p) => p.crashed).length
  }

  async stop(): Promise<void> {
    this.inspector?.close()
    this.inspector = undefined
    await this.proc.stop()
  }
}
