import { setTimeout as sleep } from 'node:timers/promises'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import type { Database } from '../config.js'
import { Prisma, PrismaClient } from '../generated/prisma-postgres/client.js'
import type { MigrationResult } from './migrate.js'
import { applyPostgresMigrations } from './migrate-postgres.js'
import { bindSql, PrismaSql } from './sql.js'
import type { Db } from './types.js'

export type PostgresDatabase = Extract<Database, { kind: 'postgres' }>

/**
 * How long a transaction may wait for a pooled connection, and how long it may run. A backend's
 * transactions are short; waiting is for a pool that is busy with a burst of writes.
 */
const TX_MAX_WAIT_MS = 10_000
const TX_TIMEOUT_MS = 15_000
/** A transaction that lost a serialization race runs again, up to this many times in all. */
export const TX_ATTEMPTS = 10

/**
 * Opens a PostgreSQL backend database: applies pending migrations (prisma/postgresql/migrations) in its
 * schema, then opens Prisma over the pg driver adapter with a pool of `poolSize` connections.
 *
 * Every transaction is SERIALIZABLE: the domain code reads, decides and writes inside one transaction
 * (the inbox row and the change, a snapshot's version check and its update, a change and its outbox
 * rows), which SQLite makes safe by running one writer at a time. On PostgreSQL concurrent
 * transactions run side by side, and SERIALIZABLE makes their outcome that of some order one at a
 * time; the one that would break it fails with a serialization failure (P2034) and is run again from
 * the start. A duplicate inbound event still fails on the inbox's primary key (P2002), as on SQLite.
 */
export async function openPostgres(
  database: PostgresDatabase,
  options: { log?: { error: (obj: object, msg: string) => void } } = {},
): Promise<{ db: Db; migrations: MigrationResult }> {
  const migrations = await migrate(database)
  const pool = new pg.Pool({
    connectionString: database.url,
    max: database.poolSize,
    // The hot path's plain statements name tables without a schema: they find the backend's.
    options: `-c search_path=${pgIdentifier(database.schema)}`,
  })
  const onPoolError = (err: Error) => options.log?.error({ err }, 'database connection failed')
  const adapter = new PrismaPg(pool, { schema: database.schema, disposeExternalPool: true, onPoolError })
  const client = new PrismaClient({
    adapter,
    transactionOptions: { isolationLevel: 'Serializable', maxWait: TX_MAX_WAIT_MS, timeout: TX_TIMEOUT_MS },
  })
  retrySerializationFailures(client)
  try {
    await client.$connect()
  } catch (err) {
    await client.$disconnect()
    throw err
  }
  // Both clients are generated from the same models (src/db/schemas-match.test.ts checks the schemas
  // field for field and the row types for equality); they differ only in provider-specific options the
  // domain code does not use (isolation levels, case-insensitive filters).
  const db = client as unknown as Db
  // Statements outside a transaction (the dispatcher's reads) go through the client's pool.
  bindSql(db, new PrismaSql(db))
  return { db, migrations }
}

/** A schema name as a quoted identifier (inside a connection's `options` too: spaces escaped). */
function pgIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`.replace(/\\/g, '\\\\').replace(/ /g, '\\ ')
}

/** Migrations run on a connection of their own, so their `search_path` never reaches the pool. */
async function migrate(database: PostgresDatabase): Promise<MigrationResult> {
  const conn = new pg.Client({ connectionString: database.url })
  await conn.connect()
  try {
    return await applyPostgresMigrations(conn, database.schema)
  } finally {
    await conn.end()
  }
}

/**
 * A serialization failure or deadlock (40001, 40P01), which PostgreSQL resolves by aborting one
 * transaction. Prisma reports it as P2034 when a statement fails, but as the adapter's own error
 * (`DriverAdapterError`, kind TransactionWriteConflict) when the COMMIT does, and as P2010 with the
 * database's code when a raw statement does.
 */
export function isSerializationFailure(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2034') return true
    // A raw statement's failure (the hot path's) carries the database's own code.
    const code = String(err.meta?.code ?? /Code: `(\w+)`/.exec(err.message)?.[1] ?? '')
    return err.code === 'P2010' && (code === '40001' || code === '40P01')
  }
  return (
    err instanceof Error &&
    err.name === 'DriverAdapterError' &&
    typeof err.cause === 'object' &&
    err.cause !== null &&
    'kind' in err.cause &&
    err.cause.kind === 'TransactionWriteConflict'
  )
}

/**
 * Makes the client's interactive `$transaction(fn)` run `fn` again, in a new transaction, when the
 * database aborted it for a serialization failure: after a short random pause (full jitter, growing),
 * up to TX_ATTEMPTS in all. `fn` must start from scratch each time (the domain's `inTx` does).
 */
function retrySerializationFailures(client: PrismaClient): void {
  const once = client.$transaction.bind(client) as (fn: unknown, options?: unknown) => Promise<unknown>
  const retrying = async (fn: unknown, options?: unknown): Promise<unknown> => {
    if (typeof fn !== 'function') return once(fn, options)
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(fn, options)
      } catch (err) {
        if (!isSerializationFailure(err) || attempt >= TX_ATTEMPTS) throw err
        await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt))
      }
    }
  }
  Object.defineProperty(client, '$transaction', { value: retrying })
}
