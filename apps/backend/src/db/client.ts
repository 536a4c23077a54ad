import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import type { Database } from '../config.js'
import { PrismaClient } from '../generated/prisma/client.js'
import { keyStatements, openRaw } from './cipher.js'
import { applyMigrations, type MigrationResult } from './migrate.js'
import { openPostgres } from './postgres.js'

export { isSerializationFailure } from './postgres.js'

export type Db = PrismaClient
export type { Prisma } from '../generated/prisma/client.js'

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
export function adapterFor(path: string, key: string | undefined): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSqlite3({ url: `file:${path}`, timeout: BUSY_TIMEOUT_MS })
  const setup = async (conn: SqlDriverAdapter): Promise<SqlDriverAdapter> => {
    try {
      await conn.executeScript(connectionStatements(key))
    } catch (err) {
      await conn.dispose()
      throw err
    }
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
  const db = new PrismaClient({ adapter: adapterFor(path, options.key) })
  await db.$connect()
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
