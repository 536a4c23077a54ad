import { join } from 'node:path'
import type { EventFrame, UserRef } from '@pp/contracts'
import { pino } from 'pino'
import { uuidv7 } from 'uuidv7'
import { type Db, openDatabase } from '../db/client.js'
import type { Ctx } from '../domain/context.js'
import type { Effects, LiveEmit } from '../domain/effects.js'
import { tempDir, USER_A } from './temp.js'

/** Domain context over a real SQLite temp file, recording what would be published after commit. */
export async function testCtx(me: UserRef = USER_A): Promise<{
  ctx: Ctx
  db: Db
  live: LiveEmit[]
  published: Effects[]
  close: () => Promise<void>
}> {
  const t = tempDir()
  const { db } = await openDatabase(join(t.dir, 'unit.db'))
  const live: LiveEmit[] = []
  const published: Effects[] = []
  const ctx: Ctx = {
    db,
    me,
    log: pino({ level: 'silent' }),
    sink: {
      publish: (fx) => {
        published.push(fx)
        live.push(...fx.live)
      },
    },
    isOnline: () => false,
    names: new Map(),
  }
  return {
    ctx,
    db,
    live,
    published,
    close: async () => {
      await db.$disconnect()
      t.cleanup()
    },
  }
}

export function frame(from: UserRef, event: EventFrame['event'], id = uuidv7()): EventFrame {
  return { type: 'event', id, from, event }
}
