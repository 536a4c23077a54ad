import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configFrom } from '../config.js'
import { testPostgresUrl } from '../test-support/database.js'
import { schemaEngine } from '../test-support/schema-engine.js'
import { tempDir, USER_A } from '../test-support/temp.js'
import { openBackendDatabase } from './client.js'
import { readMigrations } from './migrate.js'
import { applyPostgresMigrations, POSTGRES_MIGRATIONS_DIR, quoteIdent } from './migrate-postgres.js'

const SCHEMA_FILE = join(POSTGRES_MIGRATIONS_DIR, '..', 'schema.prisma')
const server = (): string => testPostgresUrl() ?? 'postgresql://missing'
const names = readMigrations(POSTGRES_MIGRATIONS_DIR).map((m) => m.name)

describe('PostgreSQL migrations', () => {
  let conn: pg.Client
  beforeAll(async () => {
    conn = new pg.Client({ connectionString: server() })
    await conn.connect()
  })
  afterAll(() => conn.end())

  it('build exactly the tables, columns, indexes and keys prisma/postgresql/schema.prisma declares', async () => {
    await applyPostgresMigrations(conn, 'migrated')
    // What Prisma's schema engine writes for the schema from nothing, in a schema of its own.
    const engine = await schemaEngine(new PrismaPg({ connectionString: server() }), SCHEMA_FILE)
    const content = readFileSync(SCHEMA_FILE, 'utf8')
    const { stdout } = await engine.diff({
      from: { tag: 'empty' },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_FILE, content }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    })
    await conn.query('CREATE SCHEMA expected; SET search_path TO expected')
    await conn.query(String(stdout).replace(/CREATE SCHEMA IF NOT EXISTS "public";/, ''))
    await conn.query('SET search_path TO public')
    expect(await catalog(conn, 'migrated')).toEqual(await catalog(conn, 'expected'))
  })

  it('are recorded as Prisma records them, applied once, and a changed one is refused', async () => {
    const first = await applyPostgresMigrations(conn, 'recorded')
    expect(first).toEqual({ applied: names, alreadyApplied: [] })
    const { rows } = await conn.query(
      'SELECT migration_name, checksum FROM recorded."_prisma_migrations" ORDER BY migration_name',
    )
    expect(rows).toEqual(
      readMigrations(POSTGRES_MIGRATIONS_DIR).map((m) => ({ migration_name: m.name, checksum: m.checksum })),
    )
    expect(await applyPostgresMigrations(conn, 'recorded')).toEqual({ applied: [], alreadyApplied: names })

    const t = tempDir()
    try {
      cpSync(POSTGRES_MIGRATIONS_DIR, t.dir, { recursive: true })
      const last = join(t.dir, names.at(-1) ?? '', 'migration.sql')
      writeFileSync(last, `${readFileSync(last, 'utf8')}\n-- edited\n`)
      await expect(applyPostgresMigrations(conn, 'recorded', t.dir)).rejects.toThrow(
        `migration ${names.at(-1)} was changed after it was applied`,
      )
    } finally {
      t.cleanup()
    }
  })

  it('run once when two backends start together on a new database', async () => {
    const { database } = configFrom({
      DATABASE_URL: `${server()}?schema=together`,
      DATA_DIR: '.',
      BACKEND_USER_ID: USER_A.id,
      BACKEND_DISPLAY_NAME: USER_A.displayName,
    })
    const both = await Promise.all([openBackendDatabase(database), openBackendDatabase(database)])
    try {
      expect(both.map((b) => b.migrations.applied.length).sort()).toEqual([0, names.length])
      expect(await both[0]?.db.idea.count()).toBe(0)
    } finally {
      await Promise.all(both.map((b) => b.db.$disconnect()))
    }
  })
})

/** A schema's tables, columns, indexes and constraints as PostgreSQL describes them, schema name left out. */
async function catalog(conn: pg.Client, schema: string) {
  const q = async (sql: string) =>
    JSON.parse(
      JSON.stringify((await conn.query(sql, [schema])).rows)
        .replaceAll(quoteIdent(schema), 'S')
        .replaceAll(`${schema}.`, 'S.'),
    )
  return {
    columns: await q(
      `SELECT table_name, column_name, data_type, character_maximum_length, datetime_precision, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'
       ORDER BY table_name, column_name`,
    ),
    indexes: await q(
      `SELECT tablename, indexname, indexdef FROM pg_indexes
       WHERE schemaname = $1 AND tablename <> '_prisma_migrations' ORDER BY indexname`,
    ),
    constraints: await q(
      `SELECT c.conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname = $1 AND c.conname NOT LIKE '_prisma_migrations%' ORDER BY c.conname`,
    ),
  }
}
