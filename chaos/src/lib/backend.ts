import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import Database from 'better-sqlite3'
import { freePort, getJson, HOST, sendJson } from './net.js'
import { BACKEND_SERVER, DATA_DIR, ensureDirs } from './paths.js'
import { Proc } from './proc.js'
import type { Relay } from './relay.js'
import { token } from './tokens.js'
import { until } from './wait.js'
import type { User } from './ws-client.js'

export type Delivery = {
  sinceStart: { applied: number; ignored: number; refused: number; duplicate: number; deferred: number }
  refusals: Record<string, number>
  inbox: Record<string, number>
  outbox: { pending: number; acked: number }
}

export type OutboxRow = {
  eventId: string
  recipientId: string
  type: string
  ackedAt: number | string | null
}
export type InboxRow = { eventId: string; fromId: string; type: string; outcome: string }

let starts = 0

/** One user's backend as a real process on its own SQLite file, restartable on the same port and file. */
export class Backend {
  proc: Proc
  readonly history: Proc[] = []
  /** Sum of the delivery counters of earlier processes (a restart zeroes them). */
  readonly earlier = { applied: 0, ignored: 0, refused: 0, duplicate: 0, deferred: 0 }

  private constructor(
    readonly user: User,
    readonly port: number,
    readonly dbFile: string,
    private readonly relay: Relay,
    private readonly env: Record<string, string>,
    /** Its own relay token: the backend never sees the relay's secret. */
    private readonly token: string,
  ) {
    this.proc = this.spawn()
  }

  /**
   * `opts.tokenName`: the `name` claim of its relay token (default the user's name; null for none, so
   * the relay knows the user by id only).
   */
  static async start(
    user: User,
    relay: Relay,
    env: Record<string, string> = {},
    opts: { tokenName?: string | null } = {},
  ): Promise<Backend> {
    ensureDirs()
    const port = await freePort()
    const dbFile = resolve(
      DATA_DIR,
      `${user.name.replace(/\W+/g, '-').toLowerCase()}-${port}-${Date.now()}.db`,
    )
    const b = new Backend(
      user,
      port,
      dbFile,
      relay,
      env,
      opts.tokenName === null
        ? await token(user.id, '', { expiresIn: 86_400, omit: ['name'] })
        : await token(user.id, opts.tokenName ?? user.name, { expiresIn: 86_400 }),
    )
    await b.ready()
    return b
  }

  private spawn(): Proc {
    return new Proc(
      `backend-${this.user.name.replace(/\W+/g, '-').toLowerCase()}-${this.port}-${++starts}`,
      [BACKEND_SERVER],
      {
        PORT: String(this.port),
        HOST,
        DATABASE_URL: `file:${this.dbFile}`,
        BACKEND_USER_ID: this.user.id,
        BACKEND_DISPLAY_NAME: this.user.name,
        BACKEND_URL: `http://${HOST}:${this.port}`,
        COLLABORATION_SERVICE_URL: this.relay.httpUrl,
        COLLAB_TOKEN: this.token,
        ENABLE_COLLABORATION: 'true',
        USE_MOCK_SCHWAB_DATA: 'true',
        CORS_ORIGINS: 'http://127.0.0.1:3999',
        LOG_LEVEL: 'warn',
        ...this.env,
      },
    )
  }

  get base(): string {
    return `http://${HOST}:${this.port}`
  }

  private async ready(): Promise<void> {
    const proc = this.proc
    await until(
      `backend ${this.user.name} healthy`,
      async () => {
        if (!proc.alive) throw new Error(`backend exited ${JSON.stringify(proc.exit)}:\n${proc.tail()}`)
        const h = await getJson<{ status?: string }>(`${this.base}/health`)
        return h.status === 200 && h.body.status === 'healthy'
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    )
  }

  /** Waits until the backend reports its relay link up. */
  async linked(timeoutMs = 30_000): Promise<void> {
    await until(
      `backend ${this.user.name} linked to the relay`,
      async () => {
        const h = await getJson<{ collaboration?: { connected?: boolean } }>(`${this.base}/health`)
        return h.body.collaboration?.connected === true
      },
      { timeoutMs, intervalMs: 100 },
    )
  }

  #apiToken: string | undefined
  /**
   * Its API token, as a script finds it: the 0600 file the backend wrote beside its database at first
   * start (the same on every restart).
   */
  get apiToken(): string {
    this.#apiToken ??= readFileSync(this.dbFile.replace(/\.db$/, '.api-token'), 'utf8').trim()
    return this.#apiToken
  }
  get auth(): Record<string, string> {
    return { authorization: `Bearer ${this.apiToken}` }
  }

  get<T = unknown>(path: string) {
    return getJson<T>(`${this.base}/api/v1${path}`, { headers: this.auth })
  }
  post<T = unknown>(path: string, body?: unknown) {
    return sendJson<T>('POST', `${this.base}/api/v1${path}`, body, this.auth)
  }
  patch<T = unknown>(path: string, body: unknown) {
    return sendJson<T>('PATCH', `${this.base}/api/v1${path}`, body, this.auth)
  }
  put<T = unknown>(path: string, body: unknown) {
    return sendJson<T>('PUT', `${this.base}/api/v1${path}`, body, this.auth)
  }
  del<T = unknown>(path: string) {
    return sendJson<T>('DELETE', `${this.base}/api/v1${path}`, undefined, this.auth)
  }

  async delivery(): Promise<Delivery> {
    const r = await this.get<Delivery>('/debug/delivery')
    if (r.status !== 200) throw new Error(`${this.user.name} /debug/delivery answered ${r.status}`)
    return r.body
  }

  /** Delivery counters over every process of this backend (collected before each kill). */
  async handledTotal(): Promise<Delivery['sinceStart']> {
    const now = (await this.delivery()).sinceStart
    const out = { ...now }
    for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += this.earlier[k]
    return out
  }

  /** Reads its SQLite file directly (also while it is down: the file is what a crash leaves). */
  read<T>(fn: (db: Database.Database) => T): T {
    if (!existsSync(this.dbFile)) throw new Error(`no database file ${this.dbFile}`)
    const db = new Database(this.dbFile, { fileMustExist: true })
    try {
      db.pragma('busy_timeout = 5000')
      return fn(db)
    } finally {
      db.close()
    }
  }

  outbox(): OutboxRow[] {
    return this.read(
      (db) => db.prepare('SELECT eventId, recipientId, type, ackedAt FROM Outbox').all() as OutboxRow[],
    )
  }

  inbox(): InboxRow[] {
    return this.read(
      (db) => db.prepare('SELECT eventId, fromId, type, outcome FROM Inbox').all() as InboxRow[],
    )
  }

  /** SIGKILL (after saving its counters if it still answers). */
  async crash(): Promise<void> {
    try {
      const d = await this.delivery()
      for (const k of Object.keys(this.earlier) as (keyof Backend['earlier'])[])
        this.earlier[k] += d.sinceStart[k]
    } catch {
      // not answering: its counters since the last read are lost, which only matters for printing
    }
    await this.proc.kill()
  }

  /** SIGKILL with no last read: the counters of this process are lost to the figures. */
  async crashNow(): Promise<void> {
    await this.proc.kill()
  }

  async restart(): Promise<void> {
    if (this.proc.alive) await this.crash()
    this.history.push(this.proc)
    this.proc = this.spawn()
    await this.ready()
  }

  crashes(): number {
    return [...this.history, this.proc].filter((p) => p.crashed).length
  }

  async stop(): Promise<void> {
    await this.proc.stop()
  }
}

type FriendRow = { id: string; status: string }

/** Makes `a` and `b` friends through their APIs and waits until both agree. */
export async function befriend(a: Backend, b: Backend): Promise<void> {
  const r = await a.post('/friends', { userId: b.user.id })
  if (r.status !== 201)
    throw new Error(`friend request ${a.user.name} → ${b.user.name}: ${r.status} ${JSON.stringify(r.body)}`)
  await until(`${b.user.name} sees ${a.user.name}'s request`, async () =>
    (await b.get<FriendRow[]>('/friends')).body.some((f) => f.id === a.user.id && f.status === 'incoming'),
  )
  const acc = await b.post(`/friends/${a.user.id}/accept`)
  if (acc.status >= 300) throw new Error(`accept: ${acc.status} ${JSON.stringify(acc.body)}`)
  await until(`${a.user.name} and ${b.user.name} are friends`, async () =>
    (await a.get<FriendRow[]>('/friends')).body.some((f) => f.id === b.user.id && f.status === 'accepted'),
  )
}

/** Waits until every backend is linked and has nothing left in its outbox. */
export async function settle(backends: Backend[], timeoutMs = 120_000): Promise<void> {
  await until(
    'every outbox delivered',
    async () => {
      for (const b of backends) {
        const h = await getJson<{ collaboration?: { connected?: boolean } }>(`${b.base}/health`)
        if (h.body.collaboration?.connected !== true) return false
        if ((await b.delivery()).outbox.pending !== 0) return false
      }
      return true
    },
    { timeoutMs, intervalMs: 250 },
  )
}
