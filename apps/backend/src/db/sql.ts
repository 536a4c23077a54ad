import type BetterSqlite3 from 'better-sqlite3'
import type { Prisma } from '../generated/prisma/client.js'

/** What a statement takes: dates and booleans are encoded for the database at hand. */
export type SqlArg = string | number | boolean | Date | null

/**
 * The hot path's statements (a comment, its outbox rows, a received event, an ack): plain SQL written
 * once for both databases, with `?` placeholders and quoted identifiers. On SQLite they run as cached
 * prepared statements on the very connection Prisma uses (so inside the same transaction); on PostgreSQL
 * through the transaction's own client. Rows come back as the database gives them: read them with
 * `asDate` and `asBool`.
 */
export interface Sql {
  get<R>(sql: string, ...args: SqlArg[]): Promise<R | undefined>
  all<R>(sql: string, ...args: SqlArg[]): Promise<R[]>
  /** The number of rows changed. */
  run(sql: string, ...args: SqlArg[]): Promise<number>
}

/** Dates as Prisma's SQLite adapter writes them (ISO 8601 with `+00:00`), so both read each other's rows. */
function sqliteArg(v: SqlArg): string | number | null {
  if (v instanceof Date) return v.toISOString().replace('Z', '+00:00')
  if (typeof v === 'boolean') return v ? 1 : 0
  return v
}

const MAX_CACHED = 256

export class SqliteSql implements Sql {
  private readonly cache = new Map<string, BetterSqlite3.Statement>()
  private conn: BetterSqlite3.Database | undefined

  /** The connection the statements run on (a new one after a reconnect). */
  use(connection: BetterSqlite3.Database): void {
    this.conn = connection
    this.cache.clear()
  }

  get connection(): BetterSqlite3.Database {
    if (this.conn === undefined) throw new Error('the database is not connected')
    return this.conn
  }

  /** Prepared once per statement text; numbers come back as numbers (Prisma's connection reads bigints). */
  statement(sql: string): BetterSqlite3.Statement {
    let st = this.cache.get(sql)
    if (st === undefined) {
      st = this.connection.prepare(sql)
      if (st.reader) st.safeIntegers(false)
      if (this.cache.size >= MAX_CACHED) this.cache.clear()
      this.cache.set(sql, st)
    }
    return st
  }

  getNow<R>(sql: string, ...args: SqlArg[]): R | undefined {
    return this.statement(sql).get(...args.map(sqliteArg)) as R | undefined
  }

  get<R>(sql: string, ...args: SqlArg[]): Promise<R | undefined> {
    return Promise.resolve(this.getNow<R>(sql, ...args))
  }

  all<R>(sql: string, ...args: SqlArg[]): Promise<R[]> {
    return Promise.resolve(this.statement(sql).all(...args.map(sqliteArg)) as R[])
  }

  runNow(sql: string, ...args: SqlArg[]): number {
    return this.statement(sql).run(...args.map(sqliteArg)).changes
  }

  run(sql: string, ...args: SqlArg[]): Promise<number> {
    return Promise.resolve(this.runNow(sql, ...args))
  }
}

type RawClient = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | '$executeRawUnsafe'>

/** `?` → `$1, $2, …` (no statement here has a `?` inside a literal). */
function numbered(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

/** On PostgreSQL, through the client of the transaction the statements belong to. */
export class PrismaSql implements Sql {
  private readonly texts = new Map<string, string>()

  constructor(private readonly client: RawClient) {}

  private text(sql: string): string {
    let t = this.texts.get(sql)
    if (t === undefined) {
      t = numbered(sql)
      this.texts.set(sql, t)
    }
    return t
  }

  async get<R>(sql: string, ...args: SqlArg[]): Promise<R | undefined> {
    const rows = await this.client.$queryRawUnsafe<R[]>(this.text(sql), ...args)
    return rows[0]
  }

  all<R>(sql: string, ...args: SqlArg[]): Promise<R[]> {
    return this.client.$queryRawUnsafe<R[]>(this.text(sql), ...args)
  }

  run(sql: string, ...args: SqlArg[]): Promise<number> {
    return this.client.$executeRawUnsafe(this.text(sql), ...args)
  }
}

/** A date column as either database returns it. */
export function asDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v))
}

export function asDateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : asDate(v)
}

/** A boolean column: SQLite stores 0/1. */
export function asBool(v: unknown): boolean {
  return v === true || v === 1 || v === 1n
}

const bound = new WeakMap<object, Sql>()

/** Binds a client or a transaction client to the statements that run in it. */
export function bindSql(handle: object, sql: Sql): void {
  bound.set(handle, sql)
}

/** The statements of a client or transaction (every one the backend opens is bound). */
export function sqlOf(handle: object): Sql {
  const sql = bound.get(handle)
  if (sql === undefined) throw new Error('no statements bound to this database handle')
  return sql
}
