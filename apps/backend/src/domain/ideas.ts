import {
  type ActivityChange,
  type CreateIdeaBody,
  type IdeaResponse,
  type IdeaShareLists,
  type PatchIdeaBody,
  type SharedIdea,
  type SharesResponse,
  tradePlanProblem,
  type UserRef,
} from '@pp/contracts'
import { uuidv7 } from 'uuidv7'
import type { Idea as IdeaRow } from '../generated/prisma/client.js'
import { activityOf, recordActivity, usersNamed } from './activity.js'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { badRequest, forbidden, notFound } from './errors.js'
import { ideaChanges } from './idea-changes.js'
import { toIdea, toIdeaResponse } from './mappers.js'
import { enqueue } from './outbox.js'
import { signedThread } from './signed-thread.js'
import { inTx, type Tx } from './tx.js'

export async function listMyIdeas(ctx: Ctx): Promise<IdeaResponse[]> {
  const rows = await ctx.db.idea.findMany({
    where: { ownerId: ctx.me.id },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  })
  return rows.map((r) => toIdeaResponse(r, ctx.me.id))
}

export async function listSharedWithMe(ctx: Ctx): Promise<SharedIdea[]> {
  const rows = await ctx.db.idea.findMany({
    where: { ownerId: { not: ctx.me.id } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  })
  return rows.map((r) => ({ ...toIdea(r), readOnly: true as const }))
}

/** An idea the caller may see (own or received); anything else is a 404, never its data. */
export async function visibleIdea(db: Tx | Ctx['db'], id: string): Promise<IdeaRow> {
  const row = await db.idea.findUnique({ where: { id } })
  if (row === null) throw notFound('idea')
  return row
}

/** An idea the caller may change: its own. A received copy is read-only (403). */
async function ownIdea(ctx: Ctx, tx: Tx, id: string): Promise<IdeaRow> {
  const row = await visibleIdea(tx, id)
  if (row.ownerId !== ctx.me.id) throw forbidden('this idea was shared with you and is read-only')
  return row
}

export async function getIdea(ctx: Ctx, id: string): Promise<IdeaResponse> {
  return toIdeaResponse(await visibleIdea(ctx.db, id), ctx.me.id)
}

export async function createIdea(ctx: Ctx, body: CreateIdeaBody): Promise<IdeaResponse> {
  return inTx(ctx, async (tx, fx) => {
    const now = new Date()
    const row = await tx.idea.create({
      data: {
        id: uuidv7(),
        ownerId: ctx.me.id,
        ownerName: ctx.me.displayName,
        symbol: body.symbol,
        strategy: body.strategy,
        status: body.status,
        tags: JSON.stringify(dedupe(body.tags ?? [])),
        notes: body.notes ?? '',
        entryPrice: body.entryPrice ?? null,
        targetPrice: body.targetPrice ?? null,
        stopPrice: body.stopPrice ?? null,
        legs: JSON.stringify(body.legs ?? []),
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
    })
    await recordActivity(ctx, tx, fx, row.id, [{ kind: 'created' }], [])
    const idea = toIdeaResponse(row, ctx.me.id)
    fx.emit('idea:upserted', idea)
    return idea
  })
}

async function sharees(tx: Tx, ideaId: string): Promise<string[]> {
  const rows = await tx.share.findMany({ where: { ideaId }, orderBy: { userId: 'asc' } })
  return rows.map((r) => r.userId)
}

/**
 * PATCH: a new version of the idea, sent to every sharee as `position_updated`, with a history entry of
 * what changed. New prices and legs are checked together with the stored ones; a broken rule is a 400
 * naming a field the patch gave.
 */
export async function patchIdea(ctx: Ctx, id: string, body: PatchIdeaBody): Promise<IdeaResponse> {
  return inTx(ctx, async (tx, fx) => {
    const row = await ownIdea(ctx, tx, id)
    const plan = {
      strategy: row.strategy,
      entryPrice: body.entryPrice === undefined ? row.entryPrice : body.entryPrice,
      targetPrice: body.targetPrice === undefined ? row.targetPrice : body.targetPrice,
      stopPrice: body.stopPrice === undefined ? row.stopPrice : body.stopPrice,
      legs: body.legs ?? toIdea(row).legs,
    }
    const problem = tradePlanProblem(plan)
    if (problem !== null) {
      const field =
        body[problem.field] === undefined && problem.other !== undefined && body[problem.other] !== undefined
          ? problem.other
          : problem.field
      const message = field === problem.field ? problem.message : `the ${problem.field} ${problem.message}`
      throw badRequest(field, `${field}: ${message}`)
    }
    const updated = await tx.idea.update({
      where: { id },
      data: {
        ...(body.tags === undefined ? {} : { tags: JSON.stringify(dedupe(body.tags)) }),
        ...(body.status === undefined ? {} : { status: body.status }),
        ...(body.notes === undefined ? {} : { notes: body.notes }),
        ...(body.entryPrice === undefined ? {} : { entryPrice: body.entryPrice }),
        ...(body.targetPrice === undefined ? {} : { targetPrice: body.targetPrice }),
        ...(body.stopPrice === undefined ? {} : { stopPrice: body.stopPrice }),
        ...(body.legs === undefined ? {} : { legs: JSON.stringify(body.legs) }),
        version: row.version + 1,
        updatedAt: new Date(),
      },
    })
    const to = await sharees(tx, id)
    await enqueue(tx, fx, to, { type: 'position_updated', idea: toIdea(updated) })
    await recordActivity(ctx, tx, fx, id, ideaChanges(row, updated), to)
    const idea = toIdeaResponse(updated, ctx.me.id)
    fx.emit('idea:upserted', idea)
    return idea
  })
}

/** DELETE: removes the idea, its shares and comments; sharees get `position_deleted`. */
export async function deleteIdea(ctx: Ctx, id: string): Promise<void> {
  await inTx(ctx, async (tx, fx) => {
    await ownIdea(ctx, tx, id)
    const to = await sharees(tx, id)
    await tx.idea.delete({ where: { id } })
    await tx.tombstone.upsert({
      where: { ideaId: id },
      create: { ideaId: id, reason: 'deleted' },
      update: {},
    })
    await enqueue(tx, fx, to, { type: 'position_deleted', ideaId: id })
    fx.emit('idea:removed', { ideaId: id, reason: 'deleted' })
  })
}

export async function getShares(ctx: Ctx, id: string): Promise<{ userIds: string[] }> {
  const row = await visibleIdea(ctx.db, id)
  if (row.ownerId !== ctx.me.id) throw forbidden('this idea was shared with you and is read-only')
  return { userIds: await sharees(ctx.db, id) }
}

/** Every share list of my ideas at once, so the list shows "Shared with N friends" without opening a card. */
export async function allShares(ctx: Ctx): Promise<IdeaShareLists> {
  const rows = await ctx.db.share.findMany({
    where: { idea: { ownerId: ctx.me.id } },
    orderBy: [{ ideaId: 'asc' }, { userId: 'asc' }],
  })
  const byIdea = new Map<string, string[]>()
  for (const r of rows) byIdea.set(r.ideaId, [...(byIdea.get(r.ideaId) ?? []), r.userId])
  return [...byIdea].map(([ideaId, userIds]) => ({ ideaId, userIds }))
}

/**
 * PUT shares: the given set is the new truth. Added friends get `position_shared` with the whole
 * comment thread, removed ones `share_revoked`. Only friends can be shared with.
 */
export async function putShares(ctx: Ctx, id: string, userIds: readonly string[]): Promise<SharesResponse> {
  return inTx(ctx, async (tx, fx) => {
    const row = await ownIdea(ctx, tx, id)
    const wanted = [...new Set(userIds)]
    const friends = new Set(
      (await tx.friend.findMany({ where: { status: 'accepted' }, select: { userId: true } })).map(
        (f) => f.userId,
      ),
    )
    for (const [i, userId] of userIds.entries()) {
      if (!friends.has(userId)) throw badRequest(`userIds.${i}`, `userIds.${i}: ${userId} is not a friend`)
    }
    const current = await sharees(tx, id)
    const added = wanted.filter((u) => !current.includes(u)).sort()
    const removed = current.filter((u) => !wanted.includes(u)).sort()
    if (removed.length > 0) await tx.share.deleteMany({ where: { ideaId: id, userId: { in: removed } } })
    if (added.length > 0) await tx.share.createMany({ data: added.map((userId) => ({ ideaId: id, userId })) })
    const changes: ActivityChange[] = []
    if (added.length > 0) changes.push({ kind: 'shared', users: await usersNamed(tx, added) })
    if (removed.length > 0) changes.push({ kind: 'unshared', users: await usersNamed(tx, removed) })
    // Those who keep the idea hear of the change; a new sharee gets the history with the idea.
    const kept = current.filter((u) => wanted.includes(u))
    await recordActivity(ctx, tx, fx, id, changes, kept)
    if (added.length > 0) {
      await enqueue(tx, fx, added, {
        type: 'position_shared',
        idea: toIdea(row),
        comments: await signedThread(tx, ctx.keys, id),
        activity: await activityOf(tx, id),
      })
    }
    await enqueue(tx, fx, removed, { type: 'share_revoked', ideaId: id })
    const now = [...wanted].sort()
    if (added.length > 0 || removed.length > 0) fx.emit('shares:changed', { ideaId: id, userIds: now })
    return { userIds: now, added, removed }
  })
}

/** Ends every share of my ideas with a user (friendship ended). */
export async function revokeSharesWith(ctx: Ctx, tx: Tx, fx: Effects, user: UserRef): Promise<void> {
  const userId = user.id
  const shares = await tx.share.findMany({ where: { userId } })
  const users = [user]
  for (const s of shares) {
    await tx.share.delete({ where: { ideaId_userId: { ideaId: s.ideaId, userId } } })
    await enqueue(tx, fx, [userId], { type: 'share_revoked', ideaId: s.ideaId })
    const left = await sharees(tx, s.ideaId)
    await recordActivity(ctx, tx, fx, s.ideaId, [{ kind: 'unshared', users }], left)
    fx.emit('shares:changed', { ideaId: s.ideaId, userIds: left })
  }
}

/** Drops my copies of a user's ideas (friendship ended). */
export async function removeReceivedIdeasOf(tx: Tx, fx: Effects, ownerId: string): Promise<void> {
  const rows = await tx.idea.findMany({ where: { ownerId }, select: { id: true } })
  for (const { id } of rows) await removeReceivedIdea(tx, fx, id, 'revoked')
}

export async function removeReceivedIdea(
  tx: Tx,
  fx: Effects,
  id: string,
  reason: 'revoked' | 'deleted',
): Promise<void> {
  await tx.idea.delete({ where: { id } })
  await tx.tombstone.upsert({ where: { ideaId: id }, create: { ideaId: id, reason }, update: { reason } })
  fx.emit('idea:removed', { ideaId: id, reason })
}

function dedupe(tags: readonly string[]): string[] {
  return [...new Set(tags)]
}
