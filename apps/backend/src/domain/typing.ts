import type { Ctx } from './context.js'

/**
 * Whether a received `typing` on an idea may reach the browser: only from the idea's owner, or, on an
 * idea of mine, from a user it is shared with now. Anyone else (a stranger, a former sharee, a co-sharee
 * of an idea I only see) is dropped without a word: typing is ephemeral, nothing to ack or retry.
 */
export async function typingAllowed(ctx: Ctx, fromId: string, ideaId: string): Promise<boolean> {
  const idea = await ctx.db.idea.findUnique({ where: { id: ideaId }, select: { ownerId: true } })
  if (idea === null) return false
  if (idea.ownerId === fromId) return true
  if (idea.ownerId !== ctx.me.id) return false
  const share = await ctx.db.share.findUnique({ where: { ideaId_userId: { ideaId, userId: fromId } } })
  return share !== null
}

/**
 * Who a received `typing` shows as typing: the sender; or, when the idea's owner passes on a sharee's
 * typing (`userId`), that sharee. A `userId` from anyone but the owner is dropped.
 */
export async function typist(
  ctx: Ctx,
  fromId: string,
  ideaId: string,
  userId: string | undefined,
): Promise<string | null> {
  if (!(await typingAllowed(ctx, fromId, ideaId))) return null
  if (userId === undefined) return fromId
  const idea = await ctx.db.idea.findUnique({ where: { id: ideaId }, select: { ownerId: true } })
  return idea?.ownerId === fromId && userId !== ctx.me.id ? userId : null
}

/**
 * Who my browser's `typing` on an idea goes to: on my idea, everyone it is shared with; on an idea
 * shared with me, its owner (who passes it on). Nobody for an idea not here.
 */
export async function typingAudience(ctx: Ctx, ideaId: string): Promise<string[]> {
  const idea = await ctx.db.idea.findUnique({ where: { id: ideaId }, select: { ownerId: true } })
  if (idea === null) return []
  if (idea.ownerId !== ctx.me.id) return [idea.ownerId]
  return (await ctx.db.share.findMany({ where: { ideaId }, select: { userId: true } })).map((s) => s.userId)
}

/**
 * Who a sharee's typing on my idea is passed on to: the other sharees, who may not know each other.
 * Nobody when the idea is not mine.
 */
export async function typingPassOn(ctx: Ctx, ideaId: string, typistId: string): Promise<string[]> {
  const idea = await ctx.db.idea.findUnique({ where: { id: ideaId }, select: { ownerId: true } })
  if (idea?.ownerId !== ctx.me.id) return []
  return (await typingAudience(ctx, ideaId)).filter((u) => u !== typistId)
}
