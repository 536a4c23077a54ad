import { cpSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { KeyRing } from '../crypto/keyring.js'
import type { Ctx } from '../domain/context.js'
import { applyInbound } from '../domain/inbound.js'
import { PeerNames } from '../domain/peer-names.js'
import { frame, pinKeys, testKeys } from '../test-support/ctx.js'
import { tempDir, USER_A, USER_B, USER_C } from '../test-support/temp.js'
import { openDatabase } from './client.js'
import { applyMigrations, MIGRATIONS_DIR } from './migrate.js'

const INIT = '20261122025500_init'
const INBOX_BY_SENDER = '20261207023000_inbox_keyed_by_sender'
const OLD_EVENT_ID = '01900000-0000-7000-8000-00000000f001'

describe('a database from before the inbox was keyed by sender', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('opens, keeps its inbox rows, and still deduplicates them', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    // The previous schema: only the init migration, with an inbox row keyed by the event id alone.
    const oldMigrations = join(t.dir, 'migrations')
    mkdirSync(oldMigrations)
    cpSync(join(MIGRATIONS_DIR, INIT), join(oldMigrations, INIT), { recursive: true })
    const path = join(t.dir, 'old.db')
    const raw = new Database(path)
    applyMigrations(raw, oldMigrations)
    raw
      .prepare('INSERT INTO "Inbox" ("eventId", "fromId", "type", "outcome") VALUES (?, ?, ?, ?)')
      .run(OLD_EVENT_ID, USER_A.id, 'friend_request', 'applied')
    const pk = raw.prepare(`SELECT name FROM pragma_table_info('Inbox') WHERE pk > 0 ORDER BY pk`).all()
    expect(pk).toEqual([{ name: 'eventId' }])
    raw.close()

    const { db, migrations } = await openDatabase(path)
    try {
      expect(migrations.alreadyApplied).toEqual([INIT])
      expect(migrations.applied).toContain(INBOX_BY_SENDER)
      expect(await db.inbox.findMany()).toMatchObject([
        { eventId: OLD_EVENT_ID, fromId: USER_A.id, type: 'friend_request', outcome: 'applied' },
      ])
      const ctx: Ctx = {
        db,
        me: USER_B,
        log: pino({ level: 'silent' }),
        sink: { publish: () => {} },
        isOnline: () => false,
        names: new PeerNames(),
        keys: new KeyRing(USER_B.id, testKeys(USER_B.id), db),
      }
      await pinKeys(db, USER_C.id)
      // The old row still makes a redelivery from its sender a duplicate: nothing applied.
      expect(
        await applyInbound(ctx, frame(USER_A, { type: 'friend_request', user: USER_A }, OLD_EVENT_ID)),
      ).toBe('duplicate')
      expect(await db.friend.count()).toBe(0)
      // The same id from another sender is applied on its own merits.
      expect(
        await applyInbound(ctx, frame(USER_C, { type: 'friend_request', user: USER_C }, OLD_EVENT_ID)),
      ).toBe('applied')
      expect(await db.friend.findMany()).toMatchObject([{ userId: USER_C.id, status: 'incoming' }])
    } finally {
      await db.$disconnect()
    }
    // And it opens again with nothing left to apply.
    const again = await openDatabase(path)
    expect(again.migrations.applied).toEqual([])
    expect(again.migrations.alreadyApplied).toEqual([INIT, ...migrations.applied])
    await again.db.$disconnect()
  })
})
