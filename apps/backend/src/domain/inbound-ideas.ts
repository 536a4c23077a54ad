import type { ActivityEntry, Idea, SignedComment, UserRef } from '@pp/contracts'
import { REVOKED_TEXT } from '@pp/contracts'
import { storeReceivedActivity } from './activity.js'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { ideaChangeText } from './idea-changes.js'
import { removeReceivedIdea } from './ideas.js'
import { signatureProblem, upsertComment } from './inbound-comments.js'
import { applied, Deferred, type Handled, ignored, refused } from './inbound-outcome.js'
import { ideaRowData, toCommentResponse, toIdeaResponse } from './mappers.js'
import { notify } from './notifications.js'
import type { Tx } from './tx.js'
import { verifiedNames, withVerifiedAuthor } from './verified-names.js'

export async function onPositionShared(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  from: UserRef,
  idea: Idea,
  comments: readonly SignedComment[],
  activity: readonly ActivityEntry[],
): Promise<Handled> {
  if (idea.owner.id !== from.id) return refused('the idea is not the sender’s')
  if (activity.some((e) => e.ideaId !== idea.id)) return refused('a history entry of another idea')
  if (activity.some((e) => e.actor.id !== from.id)) return refused('a history entry by someone else')
  const existing = await tx.idea.findUnique({ where: { id: idea.id } })
  if (existing !== null && existing.ownerId !== from.id) return refused('the idea is not the sender’s')
  const friend = await tx.friend.findUnique({ where: { userId: from.id } })
  if (friend?.status !== 'accepted') return refused('the sender is not a friend')
  if (comments.some((c) => c.ideaId !== idea.id)) return refused('a comment of another idea')
  for (const c of comments) {
    const problem = await signatureProblem(ctx, tx, c)
    if (problem !== null) return refused(problem)
  }
  await tx.tombstone.deleteMany({ where: { ideaId: idea.id } })
  const owned = ownedBy(idea, from)
  let row = existing
  if (existing === null) {
    row = await tx.idea.create({ data: { id: idea.id, ...ideaRowData(owned) } })
    await notify(tx, fx, 'position_shared', `${from.displayName} shared ${idea.symbol} with you`, idea.id)
  } else if (idea.version > existing.version) {
    row = await tx.idea.update({ where: { id: idea.id }, data: ideaRowData(owned) })
  }
  if (row !== null) fx.emit('idea:upserted', toIdeaResponse(row, ctx.me.id))
  const nameOf = verifiedNames(ctx, tx, from)
  for (const c of comments) {
    const stored = await upsertComment(tx, await withVerifiedAuthor(c, nameOf))
    fx.emit('comment:upserted', toCommentResponse(stored))
  }
  for (const e of activity) await storeReceivedActivity(tx, fx, e, from)
  return applied
}

/** The snapshot with its owner as the relay verified it: the sender, never the payload's name. */
function ownedBy(idea: Idea, from: UserRef): Idea {
  return { ...idea, owner: { id: from.id, displayName: from.displayName } }
}

export async function onPositionUpdated(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  from: UserRef,
  idea: Idea,
): Promise<Handled> {
  if (idea.owner.id !== from.id) return refused('the idea is not the sender’s')
  const existing = await tx.idea.findUnique({ where: { id: idea.id } })
  if (existing === null) {
    if (await tx.tombstone.findUnique({ where: { ideaId: idea.id } })) return ignored('idea no longer here')
    throw new Deferred(`idea ${idea.id} is not here yet`)
  }
  if (existing.ownerId !== from.id) return refused('the idea is not the sender’s')
  if (idea.version <= existing.version) return ignored(`stale version ${idea.version} <= ${existing.version}`)
  const row = await tx.idea.update({ where: { id: idea.id }, data: ideaRowData(ownedBy(idea, from)) })
  fx.emit('idea:upserted', toIdeaResponse(row, ctx.me.id))
  const change = ideaChangeText(from.displayName, existing, row)
  if (change !== null) await notify(tx, fx, 'position_updated', change, idea.id)
  return applied
}

export async function onIdeaGone(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  from: UserRef,
  ideaId: string,
  reason: 'revoked' | 'deleted',
): Promise<Handled> {
  const existing = await tx.idea.findUnique({ where: { id: ideaId } })
  if (existing === null) return ignored('idea not here')
  if (existing.ownerId !== from.id) return refused('the idea is not the sender’s')
  // My comments the owner had not confirmed yet go with the idea: say so, as a rejection would have.
  const lost = await tx.comment.count({ where: { ideaId, authorId: ctx.me.id, pending: true } })
  await removeReceivedIdea(tx, fx, ideaId, reason)
  if (reason === 'revoked') await notify(tx, fx, 'share_revoked', REVOKED_TEXT, ideaId)
  else await notify(tx, fx, 'position_deleted', `${from.displayName} deleted ${existing.symbol}`, ideaId)
  if (lost > 0) {
    const what = lost === 1 ? 'Your comment' : `Your ${lost} comments`
    const why = reason === 'revoked' ? 'access was revoked' : 'the idea was deleted'
    await notify(
      tx,
      fx,
      'comment_rejected',
      `${what} on ${existing.symbol} ${lost === 1 ? 'was' : 'were'} not accepted: ${why}`,
      ideaId,
    )
  }
  return applied
}
