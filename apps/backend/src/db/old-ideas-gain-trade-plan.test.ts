import { cpSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { toIdea } from '../domain/mappers.js'
import { tempDir, USER_A } from '../test-support/temp.js'
import { openDatabase } from './client.js'
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from './migrate.js'

const TRADE_PLAN = '20261214090000_trade_plan_and_history'
const IDEA_ID = '01900000-0000-7000-8000-00000000f101'

describe('a database from before ideas had prices, legs and a history', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('opens with its ideas intact: no prices, no legs, an empty history', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const before = join(t.dir, 'migrations')
    mkdirSync(before)
    for (const m of readMigrations(MIGRATIONS_DIR).filter((m) => m.name < TRADE_PLAN)) {
      cpSync(join(MIGRATIONS_DIR, m.name), join(before, m.name), { recursive: true })
    }
    const path = join(t.dir, 'old.db')
    const raw = new Database(path)
    applyMigrations(raw, before)
    raw
      .prepare(
        'INSERT INTO "Idea" ("id", "ownerId", "ownerName", "symbol", "strategy", "status", "tags", "notes", "version", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        IDEA_ID,
        USER_A.id,
        USER_A.displayName,
        'ORCL',
        'Stock',
        'Open',
        '["ai"]',
        'old',
        3,
        1765000000000,
        1765000000000,
      )
    raw.close()

    const { db, migrations } = await openDatabase(path)
    try {
      expect(migrations.applied).toEqual([TRADE_PLAN])
      const row = await db.idea.findUniqueOrThrow({ where: { id: IDEA_ID } })
      expect(toIdea(row)).toMatchObject({
        symbol: 'ORCL',
        tags: ['ai'],
        notes: 'old',
        version: 3,
        entryPrice: null,
        targetPrice: null,
        stopPrice: null,
        legs: [],
      })
      expect(await db.ideaActivity.count({ where: { ideaId: IDEA_ID } })).toBe(0)
    } finally {
      await db.$disconnect()
    }
  })
})
