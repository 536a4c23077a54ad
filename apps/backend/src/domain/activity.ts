import type { ActivityChange, ActivityEntry, UserRef } from '@pp/contracts'
import { uuidv7 } from 'uuidv7'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { notFound } from './errors.js'
import { activityRowData, toActivity } from './mappers.js'
import { enqueue } from './outbox.js'
import type { Tx } from './tx.js'

/**
 * An idea's history. The owner writes an entry in the same transaction as the change it records and
 * sends it to the idea's sharees (`activity_added`, one outbox row each); a sharee stores it once, keyed
 * by its id, as it does comments. A new sharee gets the history so far in `position_shared`.
 */

/** Writes a history entry of my change, shows it, and sends it to `to` (the idea's sharees). */
export async function recordActivity(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  ideaId: string,
  changes: readonly ActivityChange[],
  to: readonly string[],
): Promise<ActivityEntry | null> {
  if (changes.length === 0) return null
  const entry: ActivityEntry = {
    id: uuidv7(),
    ideaId,
    actor: ctx.me,
    changes: [...changes],
    createdAt: new Date().toISOString(),
  }
  await tx.ideaActivity.create({ data: activityRowData(entry) })
  await enqueue(tx, fx, to, { type: 'activity_added', entry })
  fx.emit('activity:added', entry)
  return entry
}

/** An idea's history, oldest first, ordered by (createdAt, id) on every side. */
export async function activityOf(db: Pick<Tx, 'ideaActivity'>, ideaId: string): Promise<ActivityEntry[]> {
  const rows = await db.ideaActivity.findMany({
    where: { ideaId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  })
  return rows.map(toActivity)
}

export async function listActivity(ctx: Ctx, ideaId: string): Promise<ActivityEntry[]> {
  if ((await ctx.db.idea.findUnique({ where: { id: ideaId }, select: { id: true } })) === null) {
    throw notFound('idea')
  }
  return activityOf(ctx.db, ideaId)
}

/**
 * A received entry of the idea's owner, stored once (a second copy under the same id changes nothing),
 * its actor named as this backend knows the owner. True when it is new.
 */
export async function storeReceivedActivity(
  tx: Tx,
  fx: Effects,
  entry: ActivityEntry,
  owner: UserRef,
): Promise<boolean> {
  const known = await tx.ideaActivity.findUnique({ where: { id: entry.id } })
  if (known !== null) return false
  const named: ActivityEntry = { ...entry, actor: owner }
  await tx.ideaActivity.create({ data: activityRowData(named) })
  fx.emit('activity:added', named)
  return true
}

/** The users a share change names, as my friend list names them. */
export async function usersNamed(tx: Tx, ids: readonly string[]): Promise<UserRef[]> {
  if (ids.length === 0) return []
  const rows = await tx.friend.findMany({ where: { userId: { in: [...ids] } } })
  const names = new Map(rows.map((r) => [r.userId, r.displayName]))
  return ids.map((id) => ({ id, displayName: names.get(id) ?? 'a former friend' }))
}
