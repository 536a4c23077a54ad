import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { frame, signed, testCtx } from '../test-support/ctx.js'
import { USER_A, USER_B, USER_C } from '../test-support/temp.js'
import { postComment } from './comments.js'
import { createIdea, putShares } from './ideas.js'
import { applyInbound } from './inbound.js'

const USER_D = { id: '00000000-0000-0000-0000-000000000004', displayName: 'User D' }

describe('the owner is the hub of its idea’s comments', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  let ideaId: string
  beforeEach(async () => {
    t = await testCtx(USER_A)
    for (const u of [USER_B, USER_C, USER_D]) {
      await t.db.friend.create({ data: { userId: u.id, displayName: u.displayName, status: 'accepted' } })
    }
    ideaId = (await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })).id
    await putShares(t.ctx, ideaId, [USER_B.id, USER_C.id])
    await t.db.outbox.deleteMany()
  })
  afterEach(() => t.close())

  const commentBy = (author: typeof USER_A, id: string) => ({
    id,
    ideaId,
    author,
    body: 'hello',
    createdAt: '2026-11-22T03:00:00.123Z',
  })

  it('stores a sharee’s comment unchanged and fans it out to every sharee, the author included', async () => {
    const c = commentBy(USER_B, '01900000-0000-7000-8000-0000000c1001')
    expect(await applyInbound(t.ctx, frame(USER_B, { type: 'comment_added', comment: c }))).toBe('applied')
    const stored = await t.db.comment.findUnique({ where: { id: c.id } })
    expect(stored).toMatchObject({ authorId: USER_B.id, body: 'hello', pending: false })
    expect(stored?.createdAt.toISOString()).toBe(c.createdAt)
    const rows = await t.db.outbox.findMany({ orderBy: { recipientId: 'asc' } })
    expect(rows.map((r) => [r.recipientId, r.type])).toEqual([
      [USER_B.id, 'comment_added'],
      [USER_C.id, 'comment_added'],
    ])
    // Forwarded unchanged: the author's own signature and key travel on.
    expect(JSON.parse(rows[0]?.payload ?? '{}')).toEqual({ type: 'comment_added', comment: signed(c) })
    expect((await t.db.notification.findFirst())?.text).toBe('User B commented on AAPL')
  })

  it('refuses a comment from someone the idea is not shared with, and tells the author', async () => {
    const c = commentBy(USER_D, '01900000-0000-7000-8000-0000000c1002')
    expect(await applyInbound(t.ctx, frame(USER_D, { type: 'comment_added', comment: c }))).toBe('refused')
    expect(await t.db.comment.count()).toBe(0)
    const rows = await t.db.outbox.findMany()
    expect(rows.map((r) => [r.recipientId, r.type])).toEqual([[USER_D.id, 'comment_rejected']])
  })

  it('refuses a comment relayed by someone other than its author', async () => {
    const c = commentBy(USER_B, '01900000-0000-7000-8000-0000000c1003')
    expect(await applyInbound(t.ctx, frame(USER_C, { type: 'comment_added', comment: c }))).toBe('refused')
    expect(await t.db.comment.count()).toBe(0)
    expect(await t.db.outbox.count()).toBe(0)
  })

  it('refuses a comment from a former sharee after revocation', async () => {
    await putShares(t.ctx, ideaId, [USER_C.id])
    const c = commentBy(USER_B, '01900000-0000-7000-8000-0000000c1004')
    expect(await applyInbound(t.ctx, frame(USER_B, { type: 'comment_added', comment: c }))).toBe('refused')
    expect(await t.db.comment.count()).toBe(0)
  })

  it('sends its own comment to every sharee in the same transaction as the comment', async () => {
    const c = await postComment(t.ctx, ideaId, 'mine')
    expect(c.pending).toBe(false)
    const rows = await t.db.outbox.findMany()
    expect(rows.map((r) => r.recipientId).sort()).toEqual([USER_B.id, USER_C.id])
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(1)
  })
})
