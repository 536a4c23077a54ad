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

  it('refuses a sharee’s comment whose author signature does not hold, and passes nothing on', async () => {
    const c = commentBy(USER_B, '01900000-0000-7000-8000-0000000c1005')
    const forged = { ...signed(c), body: 'changed after signing' }
    expect(await applyInbound(t.ctx, frame(USER_B, { type: 'comment_added', comment: forged }))).toBe(
      'refused',
    )
    expect(await t.db.comment.count()).toBe(0)
    expect(await t.db.outbox.count()).toBe(0)
  })

  it('sends its own comment to every sharee in the same transaction as the comment', async () => {
    const c = await postComment(t.ctx, ideaId, 'mine')
    expect(c.pending).toBe(false)
    const rows = await t.db.outbox.findMany()
    expect(rows.map((r) => r.recipientId).sort()).toEqual([USER_B.id, USER_C.id])
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(1)
  })
})

describe('a sharee receiving the owner’s fan-out', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  const ideaId = '01900000-0000-7000-8000-0000000ab001'
  beforeEach(async () => {
    t = await testCtx(USER_B)
    await t.db.friend.create({ data: { userId: USER_A.id, displayName: 'User A', status: 'accepted' } })
    const idea = {
      id: ideaId,
      owner: USER_A,
      symbol: 'AAPL',
      strategy: 'Stock' as const,
      status: 'Open' as const,
      tags: [],
      notes: '',
      entryPrice: null,
      targetPrice: null,
      stopPrice: null,
      legs: [],
      version: 1,
      createdAt: '2026-11-22T01:00:00.000Z',
      updatedAt: '2026-11-22T01:00:00.000Z',
    }
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'position_shared', idea, comments: [] }))).toBe(
      'applied',
    )
  })
  afterEach(() => t.close())

  const commentBy = (author: typeof USER_A, id: string, body = 'hello') => ({
    id,
    ideaId,
    author,
    body,
    createdAt: '2026-11-22T03:00:00.123Z',
  })

  it('refuses a co-sharee’s comment the owner forwards with a signature that does not hold', async () => {
    const c = commentBy(USER_C, '01900000-0000-7000-8000-0000000c2001')
    const forged = { ...signed(c), body: 'put in C’s mouth by the owner' }
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'comment_added', comment: forged }))).toBe(
      'refused',
    )
    expect(await t.db.comment.count()).toBe(0)
  })

  it('stores the owner’s own comment, vouched for by the owner’s signed event', async () => {
    const c = commentBy(USER_A, '01900000-0000-7000-8000-0000000c2002', 'from the owner')
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'comment_added', comment: c }))).toBe('applied')
    expect((await t.db.comment.findUnique({ where: { id: c.id } }))?.body).toBe('from the owner')
  })

  it('refuses the owner’s comment signed with a key other than the owner’s pinned one', async () => {
    const c = commentBy(USER_A, '01900000-0000-7000-8000-0000000c2003')
    const otherKey = { ...signed(c), authorKey: signed(commentBy(USER_C, c.id)).authorKey }
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'comment_added', comment: otherKey }))).toBe(
      'refused',
    )
    expect(await t.db.comment.count()).toBe(0)
  })
})
