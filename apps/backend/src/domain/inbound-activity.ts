import type { ActivityEntry, UserRef } from '@pp/contracts'
import { sqlOf } from '../db/sql.js'
import { storeReceivedActivity } from './activity.js'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { applied, Deferred, type Handled, ignored, refused } from './inbound-outcome.js'
import { findIdea, hasTombstone } from './store.js'
import type { Tx } from './tx.js'

/**
 * An entry in the history of an idea shared with me, from its owner: stored once by its id. Like a
 * comment, one for an idea not here yet is left unacked (the share that brings the idea is on its way),
 * and one for an idea that left is dropped (a new share brings the whole history).
 */
export async function onActivityAdded(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  from: UserRef,
  entry: ActivityEntry,
): Promise<Handled> {
  if (entry.actor.id !== from.id) return refused('a history entry by someone else')
  const q = sqlOf(tx)
  const idea = await findIdea(q, entry.ideaId)
  if (idea === null) {
    if (await hasTombstone(q, entry.ideaId)) return ignored('idea no longer here')
    throw new Deferred(`idea ${entry.ideaId} is not here yet`)
  }
  if (idea.ownerId === ctx.me.id || idea.ownerId !== from.id) return refused('the idea is not the sender’s')
  const known = await tx.ideaActivity.findUnique({ where: { id: entry.id } })
  if (known !== null && known.ideaId !== entry.ideaId) return refused('the id of another history entry')
  return (await storeReceivedActivity(tx, fx, entry, from)) ? applied : ignored('history entry already here')
}
