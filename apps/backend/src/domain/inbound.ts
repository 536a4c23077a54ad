import type { DomainEvent, Idea, PublicKeys, SignedComment, UserRef } from '@pp/contracts'
import { REVOKED_TEXT } from '@pp/contracts'
import { verifyComment } from '@pp/contracts/sealing'
import { learnSignKey } from '../crypto/keyring.js'
import { sqlOf } from '../db/sql.js'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { endFriendship } from './friends.js'
import { ideaChangeText } from './idea-changes.js'
import { removeReceivedIdea } from './ideas.js'
import { commentRowData, ideaRowData, toCommentResponse, toIdeaResponse } from './mappers.js'
import { notify } from './notifications.js'
import { type DurableEvent, enqueue } from './outbox.js'
import {
  confirmComment,
  findComment,
  findIdea,
  friendName,
  hasTombstone,
  insertComment,
  isSharedWith,
  pinnedSignKey,
  recordInbox,
  setInboxOutcome,
  sharees,
} from './store.js'
import { inTx, type Tx } from './tx.js'
import { unknownUserName, verifiedNames, withVerifiedAuthor } from './verified-names.js'

/**
 * What became of a received event:
 * - `applied`: its change is committed (and the id recorded);
 * - `ignored`: nothing to do (stale snapshot, idea already gone), id recorded;
 * - `refused`: not allowed (warn logged), id recorded so it is not retried;
 * - `duplicate`: seen before, nothing done;
 * - `deferred`: cannot be applied yet (a comment for an idea not here yet): not recorded, not acked.
 * Every outcome but `deferred` is acked, after the commit.
 */
export type InboundOutcome = 'applied' | 'ignored' | 'refused' | 'duplicate' | 'deferred'

class Deferred extends Error {}

/**
 * A received event, opened: its id, its sender as the relay verified it and this backend names it
 * (a friend's own signed name, else a neutral label), and the event the sender signed.
 */
export type InboundEvent = { id: string; from: UserRef; event: DomainEvent }

type Handled = { outcome: 'applied' | 'ignored' | 'refused'; why?: string }
const applied: Handled = { outcome: 'applied' }
const ignored = (why: string): Handled => ({ outcome: 'ignored', why })
const refused = (why: string): Handled => ({ outcome: 'refused', why })
/** Recorded before: nothing applied. */
const duplicate: Handled = { outcome: 'ignored', why: 'duplicate' }

/** Applies one received durable event exactly once: the change and its inbox row in one transaction. */
export async function applyInbound(ctx: Ctx, frame: InboundEvent): Promise<InboundOutcome> {
  const event = frame.event
  if (event.type === 'typing') return 'ignored'
  // Keyed by the verified sender and the id: one event id is used for every recipient of a fan-out, so
  // another sender's frame under the same id (a co-sharee's, say) is never taken for a duplicate.
  try {
    const { handled, from } = await inTx(ctx, async (tx, fx) => {
      const q = sqlOf(tx)
      // The key goes in first: a duplicate is known before anything is applied.
      const fresh = await recordInbox(q, {
        eventId: frame.id,
        fromId: frame.from.id,
        type: event.type,
        outcome: 'applied',
      })
      if (!fresh) return { handled: duplicate, from: frame.from }
      // Named as this backend knows the sender, read in the same transaction as the change.
      const from = await senderIn(tx, frame.from.id)
      const h = await handle(ctx, tx, fx, from, event)
      if (h.outcome !== 'applied') await setInboxOutcome(q, frame.from.id, frame.id, h.outcome)
      return { handled: h, from }
    })
    if (handled === duplicate) {
      ctx.log.info({ eventId: frame.id, fromId: frame.from.id }, `Duplicate ${event.type} event acked again`)
      return 'duplicate'
    }
    const line = { eventId: frame.id, from: from.displayName, fromId: from.id }
    if (handled.outcome === 'refused') {
      ctx.log.warn({ ...line, reason: handled.why }, `Refused ${event.type} event from ${from.displayName}`)
    } else {
      ctx.log.info(
        { ...line, ...(handled.why ? { note: handled.why } : {}) },
        `Received ${event.type} event from ${from.displayName}`,
      )
    }
    return handled.outcome
  } catch (err) {
    if (err instanceof Deferred) {
      ctx.log.info({ eventId: frame.id, reason: err.message }, `Deferred ${event.type} event: ${err.message}`)
      return 'deferred'
    }
    throw err
  }
}

async function handle(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  from: UserRef,
  event: Exclude<DomainEvent, { type: 'typing' }>,
): Promise<Handled> {
  switch (event.type) {
    case 'friend_request':
      return onFriendRequest(ctx, tx, fx, signedUser(from, event.user), event.keys)
    case 'friend_accepted':
      return onFriendAccepted(ctx, tx, fx, signedUser(from, event.user), event.keys)
    case 'friend_removed':
      return onFriendRemoved(tx, fx, from)
    case 'position_shared':
      return onPositionShared(ctx, tx, fx, from, event.idea, event.comments)
    case 'position_updated':
      return onPositionUpdated(ctx, tx, fx, from, event.idea)
    case 'share_revoked':
      return onIdeaGone(ctx, tx, fx, from, event.ideaId, 'revoked')
    case 'position_deleted':
      return onIdeaGone(ctx, tx, fx, from, event.ideaId, 'deleted')
    case 'comment_added':
      return onCommentAdded(ctx, tx, fx, from, event.comment)
    case 'comment_rejected':
      return onCommentRejected(ctx, tx, fx, from, event.commentId, event.ideaId, event.reason)
  }
}

/** The sender as this backend names it: a friend's own signed name, else a neutral label. */
async function senderIn(tx: Tx, userId: string): Promise<UserRef> {
  return { id: userId, displayName: (await friendName(sqlOf(tx), userId)) ?? unknownUserName(userId) }
}

// ---- friends ----------------------------------------------------------------

/**
 * The sender with the name it signed for itself (a friend request or acceptance is the one place a
 * user's own display name comes from); the id is always the relay-verified one.
 */
function signedUser(from: UserRef, user: UserRef): UserRef | null {
  return user.id === from.id ? { id: from.id, displayName: user.displayName } : null
}

/** The keys in a friend request or acceptance must be the ones the sender's `hello` pinned. */
async function keysProblem(tx: Tx, userId: string, keys: PublicKeys): Promise<string | null> {
  const row = await tx.peerKey.findUnique({ where: { userId } })
  if (row === null) return 'no pinned keys for the sender'
  return row.signKey === keys.sign && row.boxKey === keys.box ? null : 'keys differ from the pinned ones'
}

async function onFriendRequest(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  signed: UserRef | null,
  keys: PublicKeys,
): Promise<Handled> {
  if (signed === null) return refused('a friend request for someone else')
  const from = signed
  const problem = await keysProblem(tx, from.id, keys)
  if (problem !== null) return refused(problem)
  const row = await tx.friend.findUnique({ where: { userId: from.id } })
  fx.friends = true
  if (row === null) {
    await tx.friend.create({ data: { userId: from.id, displayName: from.displayName, status: 'incoming' } })
    await notify(tx, fx, 'friend_request', `${from.displayName} sent you a friend request`)
    return applied
  }
  if (row.status === 'outgoing') {
    // Requests crossed: both sides become friends.
    await tx.friend.update({
      where: { userId: from.id },
      data: { status: 'accepted', displayName: from.displayName },
    })
    await enqueue(tx, fx, [from.id], { type: 'friend_accepted', user: ctx.me, keys: ctx.keys.publicKeys })
    await notify(tx, fx, 'friend_accepted', `You and ${from.displayName} are now friends`)
    return applied
  }
  await tx.friend.update({ where: { userId: from.id }, data: { displayName: from.displayName } })
  if (row.status === 'accepted') {
    // They lost track of us: answer again so both sides agree.
    await enqueue(tx, fx, [from.id], { type: 'friend_accepted', user: ctx.me, keys: ctx.keys.publicKeys })
  }
  return ignored(`already ${row.status}`)
}

async function onFriendAccepted(
  _ctx: Ctx,
  tx: Tx,
  fx: Effects,
  signed: UserRef | null,
  keys: PublicKeys,
): Promise<Handled> {
  if (signed === null) return refused('an acceptance for someone else')
  const from = signed
  const problem = await keysProblem(tx, from.id, keys)
  if (problem !== null) return refused(problem)
  const row = await tx.friend.findUnique({ where: { userId: from.id } })
  if (row?.status === 'accepted') return ignored('already friends')
  if (row?.status !== 'outgoing') return refused('friend_accepted that nobody asked for')
  await tx.friend.update({
    where: { userId: from.id },
    data: { status: 'accepted', displayName: from.displayName },
  })
  await notify(tx, fx, 'friend_accepted', `${from.displayName} accepted your friend request`)
  fx.friends = true
  return applied
}

async function onFriendRemoved(tx: Tx, fx: Effects, from: UserRef): Promise<Handled> {
  const row = await tx.friend.findUnique({ where: { userId: from.id } })
  if (row === null) return ignored('not a friend')
  await tx.friend.delete({ where: { userId: from.id } })
  await endFriendship(tx, fx, from.id)
  fx.friends = true
  return applied
}

// ---- ideas ------------------------------------------------------------------

async function onPositionShared(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  from: UserRef,
  idea: Idea,
  comments: readonly SignedComment[],
): Promise<Handled> {
  if (idea.owner.id !== from.id) return refused('the idea is not the sender’s')
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
  return applied
}

/** The snapshot with its owner as the relay verified it: the sender, never the payload's name. */
function ownedBy(idea: Idea, from: UserRef): Idea {
  return { ...idea, owner: { id: from.id, displayName: from.displayName } }
}

async function onPositionUpdated(ctx: Ctx, tx: Tx, fx: Effects, from: UserRef, idea: Idea): Promise<Handled> {
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

async function onIdeaGone(
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

// ---- comments ---------------------------------------------------------------

/**
 * A comment must carry its author's own signature: checked with the key pinned for the author, or, for
 * an author this backend has never met, with the key the idea's owner gives (pinned from then on). A
 * `vouched` comment came in an event its author signed with that pinned key: the key is checked, the
 * signature not again.
 */
async function signatureProblem(ctx: Ctx, tx: Tx, c: SignedComment, vouched = false): Promise<string | null> {
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

async function upsertComment(tx: Tx, c: SignedComment) {
  const data = commentRowData(c, false)
  return tx.comment.upsert({ where: { id: c.id }, create: data, update: { pending: false } })
}

/**
 * The owner is the hub: a sharee's comment is checked (author = sender, a current sharee), stored
 * unchanged (but for the author's name, the verified sender's) and fanned out to every sharee, the
 * author included as confirmation. A sharee stores what the owner fans out, each author named from
 * what it knows itself (`verifiedNames`).
 */
async function onCommentAdded(
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

async function onCommentRejected(
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
