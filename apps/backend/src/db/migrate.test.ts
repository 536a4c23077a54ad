import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../test-support/temp.js'
import { openDatabase } from './client.js'
import { applyMigrations, MIGRATIONS_DIR } from './migrate.js'

const INIT = '20261122025500_init'
const ALL = [
  INIT,
  '20261207023000_inbox_keyed_by_sender',
  '20261207030000_names_from_friend_records',
  '20261210090000_sign_in',
  '20261212090000_sealed_events',
  '20261214090000_trade_plan_and_history',
]

describe('migrations at start', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('creates a new database and records the migration as Prisma does', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'new.db')
    const { db, migrations } = await openDatabase(path)
    expect(migrations.applied).toEqual(ALL)
    await db.$disconnect()
    const raw = new Database(path, { readonly: true })
    const rows = raw.prepare('SELECT * FROM _prisma_migrations').all() as Array<Record<string, unknown>>
    raw.close()
    const sql = readFileSync(join(MIGRATIONS_DIR, INIT, 'migration.sql'))
    expect(rows).toHaveLength(ALL.length)
    expect(rows[0]).toMatchObject({
      migration_name: INIT,
      checksum: createHash('sha256').update(sql).digest('hex'),
      applied_steps_count: 1,
      rolled_back_at: null,
    })
    expect(rows[0]?.finished_at).not.toBeNull()
  })

  it('opens an existing database without applying anything twice and keeps its data', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'old.db')
    const first = await openDatabase(path)
    await first.db.tombstone.create({
      data: { ideaId: '00000000-0000-0000-0000-0000000000aa', reason: 'deleted' },
    })
    await first.db.$disconnect()
    const second = await openDatabase(path)
    expect(second.migrations).toEqual({ applied: [], alreadyApplied: ALL })
    expect(await second.db.tombstone.count()).toBe(1)
    await second.db.$disconnect()
  })

  it('refuses a database whose applied migration differs from the checked-in file', () => {
    const t = tempDir()
    cleanup = t.cleanup
    const raw = new Database(join(t.dir, 'changed.db'))
    applyMigrations(raw)
    raw.prepare('UPDATE _prisma_migrations SET checksum = ?').run('0'.repeat(64))
    expect(() => applyMigrations(raw)).toThrow(/was changed/)
    raw.close()
  })

  it('runs Prisma’s connection in WAL mode with synchronous=FULL', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const { db } = await openDatabase(join(t.dir, 'pragma.db'))
    const [sync] = await db.$queryRawUnsafe<Array<{ synchronous: bigint }>>('PRAGMA synchronous')
    const [mode] = await db.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode')
    const [fk] = await db.$queryRawUnsafe<Array<{ foreign_keys: bigint }>>('PRAGMA foreign_keys')
    expect(Number(sync?.synchronous)).toBe(2)
    expect(mode?.journal_mode).toBe('wal')
    expect(Number(fk?.foreign_keys)).toBe(1)
    // Inside a transaction too: the adapter runs it on the same connection.
    const inTx = await db.$transaction((tx) =>
      tx.$queryRawUnsafe<Array<{ synchronous: bigint }>>('PRAGMA synchronous'),
    )
    expect(Number(inTx[0]?.synchronous)).toBe(2)
    await db.$disconnect()
  })
})
