import type { CommentResponse, SignedComment } from '@pp/contracts'
import { signComment } from '@pp/contracts/sealing'
import { uuidv7 } from 'uuidv7'
import { sqlOf } from '../db/sql.js'
import type { Ctx } from './context.js'
import { notFound } from './errors.js'
import { visibleIdea } from './ideas.js'
import { commentRowData, toCommentResponse } from './mappers.js'
import { enqueue } from './outbox.js'
import { findIdea, insertComment, sharees } from './store.js'
import { inTx } from './tx.js'

/** Comments on an idea I own or see, ordered by (createdAt, id) on every side. */
export async function listComments(ctx: Ctx, ideaId: string): Promise<CommentResponse[]> {
  await visibleIdea(ctx.db, ideaId)
  const rows = await ctx.db.comment.findMany({
    where: { ideaId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  })
  return rows.map(toCommentResponse)
}

/**
 * The author's side sets the id and time. On my own idea the comment is final at once and goes to
 * every sharee; on a received idea it is kept pending and goes to the owner, who stores it and
 * confirms it back.
 */
export async function postComment(ctx: Ctx, ideaId: string, body: string): Promise<CommentResponse> {
  return inTx(ctx, async (tx, fx) => {
    // The hot path of collaboration: prepared statements, not Prisma.
    const q = sqlOf(tx)
    const idea = await findIdea(q, ideaId)
    if (idea === null) throw notFound('idea')
    const unsigned = { id: uuidv7(), ideaId, author: ctx.me, body, createdAt: new Date().toISOString() }
    // Signed by me, the author: whoever it reaches (through the owner or not) checks my signature.
    const comment: SignedComment = {
      ...unsigned,
      signature: signComment(ctx.keys.own, unsigned),
      authorKey: ctx.keys.publicKeys.sign,
    }
    const own = idea.ownerId === ctx.me.id
    const row = await insertComment(q, commentRowData(comment, !own))
    const to = own ? await sharees(q, ideaId) : [idea.ownerId]
    await enqueue(tx, fx, to, { type: 'comment_added', comment })
    const response = toCommentResponse(row)
    fx.emit('comment:upserted', response)
    return response
  })
}
