import type { DomainEvent, UserRef } from '@pp/contracts'
import { sqlOf } from '../db/sql.js'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { onActivityAdded } from './inbound-activity.js'
import { onCommentAdded, onCommentRejected } from './inbound-comments.js'
import { onFriendAccepted, onFriendRemoved, onFriendRequest, signedUser } from './inbound-friends.js'
import { onIdeaGone, onPositionShared, onPositionUpdated } from './inbound-ideas.js'
import { Deferred, type Handled } from './inbound-outcome.js'
import { friendName, recordInbox, setInboxOutcome } from './store.js'
import { inTx, type Tx } from './tx.js'
import { unknownUserName } from './verified-names.js'

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

/**
 * A received event, opened: its id, its sender as the relay verified it and this backend names it
 * (a friend's own signed name, else a neutral label), and the event the sender signed.
 */
export type InboundEvent = { id: string; from: UserRef; event: DomainEvent }

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
      if (ctx.eventLines?.take() !== false)
        ctx.log.info(
          { eventId: frame.id, fromId: frame.from.id },
          `Duplicate ${event.type} event acked again`,
        )
      return 'duplicate'
    }
    const line = { eventId: frame.id, from: from.displayName, fromId: from.id }
    if (handled.outcome === 'refused') {
      ctx.log.warn({ ...line, reason: handled.why }, `Refused ${event.type} event from ${from.displayName}`)
    } else if (ctx.eventLines?.take() !== false) {
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
      return onFriendRemoved(ctx, tx, fx, from)
    case 'position_shared':
      return onPositionShared(ctx, tx, fx, from, event.idea, event.comments, event.activity)
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
    case 'activity_added':
      return onActivityAdded(ctx, tx, fx, from, event.entry)
  }
}

/** The sender as this backend names it: a friend's own signed name, else a neutral label. */
async function senderIn(tx: Tx, userId: string): Promise<UserRef> {
  return { id: userId, displayName: (await friendName(sqlOf(tx), userId)) ?? unknownUserName(userId) }
}
