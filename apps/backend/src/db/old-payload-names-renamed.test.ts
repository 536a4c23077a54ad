import { cpSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir, USER_B, USER_C } from '../test-support/temp.js'
import { openDatabase } from './client.js'
import { applyMigrations, MIGRATIONS_DIR } from './migrate.js'

const BEFORE = ['20261122025500_init', '20261207023000_inbox_keyed_by_sender']
const RENAME = '20261207030000_names_from_friend_records'
const USER_D = { id: '00000000-0000-0000-0000-000000000004', displayName: 'User D' }
const IDEA_ID = '01900000-0000-7000-8000-00000000a0d1'

describe('names stored from payloads before names came from verified identity', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('are replaced by the friend record’s name on upgrade; other authors keep theirs', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const old = join(t.dir, 'migrations')
    mkdirSync(old)
    for (const m of BEFORE) cpSync(join(MIGRATIONS_DIR, m), join(old, m), { recursive: true })
    const path = join(t.dir, 'b.db')
    const raw = new Database(path)
    applyMigrations(raw, old)
    // B's database: C, a friend, shared an idea claiming to be "User A"; comments by C and by D
    // (unknown to B) were stored with the names their payloads carried.
    raw
      .prepare('INSERT INTO "Friend" ("userId", "displayName", "status", "updatedAt") VALUES (?, ?, ?, ?)')
      .run(USER_C.id, USER_C.displayName, 'accepted', Date.now())
    raw
      .prepare(
        `INSERT INTO "Idea" ("id", "ownerId", "ownerName", "symbol", "strategy", "status", "tags", "version", "createdAt", "updatedAt")
         VALUES (?, ?, 'User A', 'AAPL', 'Stock', 'Open', '[]', 1, ?, ?)`,
      )
      .run(IDEA_ID, USER_C.id, Date.now(), Date.now())
    const comment = raw.prepare(
      `INSERT INTO "Comment" ("id", "ideaId", "authorId", "authorName", "body", "createdAt") VALUES (?, ?, ?, ?, 'x', ?)`,
    )
    comment.run('01900000-0000-7000-8000-0000000c0d01', IDEA_ID, USER_C.id, 'User A', Date.now())
    comment.run('01900000-0000-7000-8000-0000000c0d02', IDEA_ID, USER_D.id, 'User D', Date.now())
    comment.run('01900000-0000-7000-8000-0000000c0d03', IDEA_ID, USER_B.id, USER_B.displayName, Date.now())
    raw.close()

    const { db, migrations } = await openDatabase(path)
    try {
      expect(await db.idea.findUnique({ where: { id: IDEA_ID } })).toMatchObject({ ownerName: 'User C' })
      const names = await db.comment.findMany({ orderBy: { id: 'asc' }, select: { authorName: true } })
      expect(names.map((n) => n.authorName)).toEqual(['User C', 'User D', 'User B'])
      expect(migrations.alreadyApplied).toEqual(BEFORE)
      // The rename, then any later migration.
      expect(migrations.applied[0]).toBe(RENAME)
    } finally {
      await db.$disconnect()
    }
  })
})
