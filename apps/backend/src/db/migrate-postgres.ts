import { randomUUID } from 'node:crypto'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import { type AppliedRow, type MigrationResult, pendingMigrations } from './migrate.js'

/** prisma/postgresql/migrations of this package, from src/db or dist/db. */
export const POSTGRES_MIGRATIONS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'prisma',
  'postgresql',
  'migrations',
)

/** Prisma's own migration table, as its schema engine creates it on PostgreSQL. */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`

/** The advisory lock `prisma migrate` takes, so it and a starting backend never migrate at once. */
const MIGRATION_LOCK = 72707369

/** `name` as an SQL identifier. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * Applies the checked-in PostgreSQL migrations the schema has not had yet, in name order, each in its
 * own transaction together with its `_prisma_migrations` row (sha256 checksum of migration.sql), as
 * `prisma migrate deploy` does; creates the schema when it is missing. Holds Prisma's migration
 * advisory lock meanwhile, so backends starting together on one database migrate one after another.
 * Refuses a database whose applied migration differs from the checked-in file. Leaves the connection's
 * `search_path` on the schema.
 */
export async function applyPostgresMigrations(
  conn: pg.ClientBase,
  schema: string,
  dir = POSTGRES_MIGRATIONS_DIR,
): Promise<MigrationResult> {
  await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
  try {
    await conn.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`)
    await conn.query(`SET search_path TO ${quoteIdent(schema)}`)
    await conn.query(MIGRATIONS_TABLE)
    const { rows } = await conn.query<AppliedRow>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    )
    const { pending, alreadyApplied } = pendingMigrations(dir, rows)
    const result: MigrationResult = { applied: [], alreadyApplied }
    for (const { name, sql, checksum } of pending) {
      const id = randomUUID()
      await conn.query('BEGIN')
      try {
        await conn.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, applied_steps_count) VALUES ($1, $2, $3, 0)',
          [id, checksum, name],
        )
        await conn.query(sql)
        await conn.query(
          'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
          [id],
        )
        await conn.query('COMMIT')
      } catch (err) {
        await conn.query('ROLLBACK')
        throw err
      }
      result.applied.push(name)
    }
    return result
  } finally {
    await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
  }
}
