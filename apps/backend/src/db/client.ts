import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils'
import type BetterSqlite3 from 'better-sqlite3'
import type { Database } from '../config.js'
import { PrismaClient } from '../generated/prisma/client.js'
import { keyStatements, openRaw } from './cipher.js'
import { applyMigrations, type MigrationResult } from './migrate.js'
import { openPostgres } from './postgres.js'
import { bindSql, SqliteSql, sqlOf } from './sql.js'
import type { Db } from './types.js'

export type { Prisma } from '../generated/prisma/client.js'
export { isSerializationFailure } from './postgres.js'
export type { Db } from './types.js'

const BUSY_TIMEOUT_MS = 5000

export type OpenOptions = {
  /**
   * ENCRYPTION_KEY: the file is encrypted with it (SQLCipher 4 format). A new file is created encrypted,
   * a plaintext one is encrypted in place; every connection is keyed before any other statement.
   */
  key?: string | undefined
  /** Hears `database encrypted` when a plaintext file was encrypted in place. */
  log?: { info: (obj: object, msg: string) => void }
}

/** What runs first on every connection Prisma opens: the key (if any), then WAL and durability. */
function connectionStatements(key: string | undefined): string {
  return [
    key === undefined ? '' : keyStatements(key),
    'PRAGMA journal_mode = WAL;',
    'PRAGMA synchronous = FULL;',
    'PRAGMA foreign_keys = ON;',
    `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};`,
  ].join(' ')
}

/**
 * Prisma's better-sqlite3 adapter opens its connection itself and takes no Database instance nor an
 * on-connect hook, so this factory wraps it: every connection it hands Prisma (one per `connect`, which
 * also serves transactions; again after a `$disconnect`) has run `connectionStatements` first.
 */
export function adapterFor(
  path: string,
  key: string | undefined,
  onConnection: (connection: BetterSqlite3.Database) => void = () => {},
): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSqlite3({ url: `file:${path}`, timeout: BUSY_TIMEOUT_MS })
  const setup = async (conn: SqlDriverAdapter): Promise<SqlDriverAdapter> => {
    try {
      await conn.executeScript(connectionStatements(key))
    } catch (err) {
      await conn.dispose()
      throw err
    }
    const connection = connectionOf(conn)
    nestInOpenTransactions(conn, connection)
    onConnection(connection)
    return conn
  }
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => setup(await inner.connect()),
    // A separate scratch database (in memory) for migration tooling, never this file.
    connectToShadowDb: () => inner.connectToShadowDb(),
  }
}

/**
 * The better-sqlite3 connection inside one of the adapter's connections (its `client`; the adapter has
 * no accessor). The hot path's prepared statements run on it, so they share Prisma's transactions.
 */
function connectionOf(conn: SqlDriverAdapter): BetterSqlite3.Database {
  const client = (conn as unknown as { client?: BetterSqlite3.Database }).client
  if (client === undefined || typeof client.prepare !== 'function') {
    throw new Error('the SQLite adapter no longer exposes its connection')
  }
  return client
}

/**
 * A group commit begins its transaction on the connection itself, and Prisma runs some single calls
 * (a delete that returns its row, say) in a transaction of their own: begun while the group's is open,
 * such a transaction becomes a savepoint inside it, committed or rolled back with it.
 */
function nestInOpenTransactions(conn: SqlDriverAdapter, connection: BetterSqlite3.Database): void {
  const start = conn.startTransaction.bind(conn)
  // One such call at a time, as the adapter allows one transaction at a time.
  let turn: Promise<void> = Promise.resolve()
  conn.startTransaction = async (isolationLevel) => {
    if (!connection.inTransaction) return start(isolationLevel)
    const previous = turn
    let release = () => {}
    turn = new Promise((r) => {
      release = r
    })
    await previous
    connection.exec('SAVEPOINT pp_call')
    const end = (sql: string): Promise<number> => {
      try {
        if (sql !== 'COMMIT') connection.exec('ROLLBACK TO SAVEPOINT pp_call; RELEASE SAVEPOINT pp_call')
        // A call outside any job may outlive the group it began in: its statements are then committed
        // with that group and there is nothing left to release.
        else if (connection.inTransaction) connection.exec('RELEASE SAVEPOINT pp_call')
      } catch (err) {
        if (sql !== 'COMMIT') throw err
      } finally {
        release()
      }
      return Promise.resolve(0)
    }
    const nested: Transaction = {
      provider: conn.provider,
      adapterName: conn.adapterName,
      options: { usePhantomQuery: false },
      queryRaw: (q: SqlQuery) => conn.queryRaw(q),
      executeRaw: (q: SqlQuery) =>
        q.sql === 'COMMIT' || q.sql === 'ROLLBACK' ? end(q.sql) : conn.executeRaw(q),
      commit: () => Promise.resolve(),
      rollback: () => Promise.resolve(),
    }
    return nested
  }
}

/** The hot path's statements of a SQLite database opened by `openDatabase`. */
export function sqliteStatements(db: Db): SqliteSql | undefined {
  const statements = sqlOf(db)
  return statements instanceof SqliteSql ? statements : undefined
}

/**
 * Opens a backend database: checks the key and applies pending migrations on a short-lived connection,
 * then opens Prisma over the better-sqlite3 adapter with WAL + synchronous=FULL on every connection it
 * uses, so nothing is acknowledged before it is durable. A key problem throws an EnvError (one line).
 */
export async function openDatabase(
  path: string,
  options: OpenOptions = {},
): Promise<{ db: Db; migrations: MigrationResult }> {
  const { raw, encryptedNow } = openRaw(path, options.key, BUSY_TIMEOUT_MS)
  if (encryptedNow) options.log?.info({ path }, 'database encrypted')
  let migrations: MigrationResult
  try {
    raw.pragma('journal_mode = WAL')
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    migrations = applyMigrations(raw)
  } finally {
    raw.close()
  }
  // One connection serves every query and transaction: its statements are the client's (again after a
  // reconnect, on the new connection).
  const statements = new SqliteSql()
  const db = new PrismaClient({
    adapter: adapterFor(path, options.key, (connection) => statements.use(connection)),
  })
  await db.$connect()
  bindSql(db, statements)
  return { db, migrations }
}

/**
 * Opens the database DATABASE_URL names: a SQLite file (`openDatabase`) or a PostgreSQL server
 * (`openPostgres`); either way a migrated database behind the same `Db` client.
 */
export function openBackendDatabase(
  database: Database,
  options: OpenOptions & {
    log?: { info: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void }
  } = {},
): Promise<{ db: Db; migrations: MigrationResult }> {
  if (database.kind === 'postgres')
    return openPostgres(database, { ...(options.log ? { log: options.log } : {}) })
  return openDatabase(database.path, options)
}
