import type { SignedComment, UserRef } from '@pp/contracts'
import { verifyComment } from '@pp/contracts/sealing'
import { learnSignKey } from '../crypto/keyring.js'
import { sqlOf } from '../db/sql.js'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { applied, Deferred, type Handled, ignored, refused } from './inbound-outcome.js'
import { commentRowData, toCommentResponse } from './mappers.js'
import { notify } from './notifications.js'
import { type DurableEvent, enqueue } from './outbox.js'
import {
  confirmComment,
  findComment,
  findIdea,
  hasTombstone,
  insertComment,
  isSharedWith,
  pinnedSignKey,
  sharees,
} from './store.js'
import type { Tx } from './tx.js'
import { verifiedNames, withVerifiedAuthor } from './verified-names.js'

/**
 * A comment must carry its author's own signature: checked with the key pinned for the author, or, for
 * an author this backend has never met, with the key the idea's owner gives (pinned from then on). A
 * `vouched` comment came in an event its author signed with that pinned key: the key is checked, the
 * signature not again.
 */
export async function signatureProblem(
  ctx: Ctx,
  tx: Tx,
  c: SignedComment,
  vouched = false,
): Promise<string | null> {
  const mine = c.author.id === ctx.me.id
  const pinned = mine ? ctx.keys.publicKeys.sign : await pinnedSignKey(sqlOf(tx), c.author.id)
  if (pinned !== null && pinned !== c.authorKey) return 'the comment author’s key differs from the pinned one'
  if (!(vouched && pinned !== null) && !verifyComment(c.authorKey, c)) {
    return 'the comment author’s signature does not hold'
  }
  // Only a key that signed a genuine comment is pinned.
  if (pinned === null) await learnSignKey(tx, c.author.id, c.authorKey)
  return null
}

export async function upsertComment(tx: Tx, c: SignedComment) {
  const data = commentRowData(c, false)
  return tx.comment.upsert({ where: { id: c.id }, create: data, update: { pending: false } })
}

/**
 * The owner is the hub: a sharee's comment is checked (author = sender, a current sharee), stored
 * unchanged (but for the author's name, the verified sender's) and fanned out to every sharee, the
 * author included as confirmation. A sharee stores what the owner fans out, each author named from
 * what it knows itself (`verifiedNames`).
 */
export async function onCommentAdded(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  from: UserRef,
  received: SignedComment,
): Promise<Handled> {
  // Only the author's id is taken from the payload; its name comes from verified identity.
  const c = await withVerifiedAuthor(received, verifiedNames(ctx, tx, from))
  const q = sqlOf(tx)
  const idea = await findIdea(q, c.ideaId)
  // The owner's own comment from the owner: the event's signature, by the same (pinned) key, vouches
  // for it, and a sharee passes nothing on. Any other comment is checked against its author's key.
  const vouched =
    idea !== null && idea.ownerId === from.id && c.author.id === from.id && idea.ownerId !== ctx.me.id
  const problem = await signatureProblem(ctx, tx, c, vouched)
  if (problem !== null) return refused(problem)
  if (idea === null) {
    if (await hasTombstone(q, c.ideaId)) {
      if (from.id === c.author.id) await reject(tx, fx, from.id, c, 'the idea no longer exists')
      return ignored('idea no longer here')
    }
    throw new Deferred(`idea ${c.ideaId} is not here yet`)
  }
  if (idea.ownerId === ctx.me.id) {
    if (from.id !== c.author.id) return refused('a comment relayed by someone other than its author')
    if (!(await isSharedWith(q, idea.id, from.id))) {
      await reject(tx, fx, from.id, c, 'the idea is not shared with you')
      return refused('the author is not a current sharee')
    }
    const known = await findComment(q, c.id)
    if (known !== null && (known.ideaId !== c.ideaId || known.authorId !== c.author.id)) {
      return refused('the id of another comment')
    }
    const stored = known ?? (await insertComment(q, commentRowData(c, false)))
    if (known === null) {
      await notify(tx, fx, 'comment_added', `${c.author.displayName} commented on ${idea.symbol}`, idea.id)
    }
    const to = known === null ? await sharees(q, idea.id) : [from.id]
    await enqueue(tx, fx, to, { type: 'comment_added', comment: c })
    fx.emit('comment:upserted', toCommentResponse(stored))
    return applied
  }
  if (idea.ownerId !== from.id) return refused('the idea is not the sender’s')
  const known = await findComment(q, c.id)
  if (known !== null && (known.ideaId !== c.ideaId || known.authorId !== c.author.id)) {
    return refused('the id of another comment')
  }
  const stored =
    known === null
      ? await insertComment(q, commentRowData(c, false))
      : known.pending
        ? await confirmComment(q, known)
        : known
  if (known === null && c.author.id !== ctx.me.id) {
    await notify(tx, fx, 'comment_added', `${c.author.displayName} commented on ${idea.symbol}`, idea.id)
  }
  fx.emit('comment:upserted', toCommentResponse(stored))
  return applied
}

async function reject(tx: Tx, fx: Effects, to: string, c: SignedComment, reason: string): Promise<void> {
  const event: DurableEvent = { type: 'comment_rejected', commentId: c.id, ideaId: c.ideaId, reason }
  await enqueue(tx, fx, [to], event)
}

export async function onCommentRejected(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  from: UserRef,
  commentId: string,
  ideaId: string,
  reason: string,
): Promise<Handled> {
  const comment = await tx.comment.findUnique({ where: { id: commentId } })
  if (comment === null) return ignored('comment not here')
  if (comment.authorId !== ctx.me.id || comment.ideaId !== ideaId) return refused('not my comment')
  const idea = await tx.idea.findUnique({ where: { id: ideaId } })
  if (idea !== null && idea.ownerId !== from.id) return refused('the idea is not the sender’s')
  await tx.comment.delete({ where: { id: commentId } })
  const symbol = idea?.symbol ?? 'an idea'
  await notify(tx, fx, 'comment_rejected', `Your comment on ${symbol} was not accepted: ${reason}`, ideaId)
  fx.emit('comment:removed', { commentId, ideaId, reason })
  return applied
}
