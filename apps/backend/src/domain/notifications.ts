import type { Notification } from '@pp/contracts'
import { uuidv7 } from 'uuidv7'
import { sqlOf } from '../db/sql.js'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { notFound } from './errors.js'
import { toNotification } from './mappers.js'
import { insertNotification } from './store.js'
import { inTx, type Tx } from './tx.js'

/** Writes a notification in the caller's transaction and pushes it to the browser after commit. */
export async function notify(
  tx: Tx,
  fx: Effects,
  kind: Notification['kind'],
  text: string,
  ideaId?: string,
): Promise<void> {
  const row = await insertNotification(sqlOf(tx), {
    id: uuidv7(),
    kind,
    text,
    ideaId: ideaId ?? null,
    createdAt: new Date(),
    readAt: null,
  })
  fx.emit('notification', toNotification(row))
}

export async function listNotifications(ctx: Ctx): Promise<Notification[]> {
  const rows = await ctx.db.notification.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] })
  return rows.map(toNotification)
}

export async function markRead(ctx: Ctx, id: string): Promise<Notification> {
  return inTx(ctx, async (tx, fx) => {
    const row = await tx.notification.findUnique({ where: { id } })
    if (row === null) throw notFound('notification')
    const updated =
      row.readAt === null
        ? await tx.notification.update({ where: { id }, data: { readAt: new Date() } })
        : row
    const n = toNotification(updated)
    fx.emit('notification', n)
    return n
  })
}
