import { createHash, randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from 'better-sqlite3'

/** prisma/migrations of this package, from src/db or dist/db. */
export const MIGRATIONS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'prisma',
  'migrations',
)

/** Prisma's own migration table, as its schema engine creates it on SQLite. */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`

export type MigrationResult = { applied: string[]; alreadyApplied: string[] }

/** One checked-in migration: its folder name, its SQL and the sha256 Prisma records as its checksum. */
export type Migration = { name: string; sql: string; checksum: string }

/** The migrations of `dir` (`<timestamp>_<name>/migration.sql`), in name order. */
export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8')
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

/** A database's finished migrations: name and checksum, as `_prisma_migrations` lists them. */
export type AppliedRow = { migration_name: string; checksum: string }

/**
 * The migrations of `dir` a database with `applied` rows has not had yet, and the names it has. Throws
 * when an applied migration's file was changed since.
 */
export function pendingMigrations(
  dir: string,
  applied: AppliedRow[],
): { pending: Migration[]; alreadyApplied: string[] } {
  const done = new Map(applied.map((r) => [r.migration_name, r.checksum]))
  const pending: Migration[] = []
  const alreadyApplied: string[] = []
  for (const m of readMigrations(dir)) {
    const known = done.get(m.name)
    if (known === undefined) pending.push(m)
    else if (known !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied`)
    else alreadyApplied.push(m.name)
  }
  return { pending, alreadyApplied }
}

/**
 * Applies the checked-in migrations the database has not had yet, in name order, each in its own
 * transaction together with its `_prisma_migrations` row (sha256 checksum of migration.sql), so the
 * native `prisma migrate` accepts the same database and folder. Refuses a database whose applied
 * migration differs from the checked-in file.
 */
export function applyMigrations(db: Database, dir = MIGRATIONS_DIR): MigrationResult {
  db.exec(MIGRATIONS_TABLE)
  const rows = db
    .prepare(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    )
    .all() as AppliedRow[]
  const { pending, alreadyApplied } = pendingMigrations(dir, rows)
  const result: MigrationResult = { applied: [], alreadyApplied }
  for (const { name, sql, checksum } of pending) {
    const id = randomUUID()
    db.transaction(() => {
      db.prepare(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, 0)',
      ).run(id, checksum, name, Date.now())
      db.exec(sql)
      db.prepare('UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?').run(
        Date.now(),
        id,
      )
    })()
    result.applied.push(name)
  }
  return result
}
