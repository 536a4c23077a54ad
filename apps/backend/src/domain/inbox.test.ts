import { type Idea, REVOKED_TEXT } from '@pp/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { frame, testCtx } from '../test-support/ctx.js'
import { USER_A, USER_B, USER_C } from '../test-support/temp.js'
import { applyInbound } from './inbound.js'

const IDEA_ID = '01900000-0000-7000-8000-00000000a001'

function ideaOf(owner: typeof USER_A, version: number, patch: Partial<Idea> = {}): Idea {
  return {
    id: IDEA_ID,
    owner,
    symbol: 'AAPL',
    strategy: 'Covered Call',
    status: 'Planned',
    tags: [],
    notes: '',
    entryPrice: null,
    targetPrice: null,
    stopPrice: null,
    legs: [],
    version,
    createdAt: '2026-11-22T01:00:00.000Z',
    updatedAt: `2026-11-22T01:00:0${version}.000Z`,
    ...patch,
  }
}

const comment = (id: string, author = USER_B, createdAt = '2026-11-22T02:00:00.000Z') => ({
  id,
  ideaId: IDEA_ID,
  author,
  body: `from ${author.displayName}`,
  createdAt,
})

describe('the inbox (B receives from owner A)', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  beforeEach(async () => {
    t = await testCtx(USER_B)
    await t.db.friend.create({ data: { userId: USER_A.id, displayName: 'User A', status: 'accepted' } })
  })
  afterEach(() => t.close())

  it('applies the same event twice only once', async () => {
    const f = frame(USER_A, { type: 'position_shared', idea: ideaOf(USER_A, 1), comments: [] })
    expect(await applyInbound(t.ctx, f)).toBe('applied')
    expect(await applyInbound(t.ctx, f)).toBe('duplicate')
    expect(await t.db.idea.count()).toBe(1)
    expect(await t.db.notification.count()).toBe(1)
    expect(await t.db.inbox.count()).toBe(1)
    const n = await t.db.notification.findFirst()
    expect(n?.text).toBe('User A shared AAPL with you')
  })

  it('does not let an older snapshot overwrite a newer one', async () => {
    await applyInbound(
      t.ctx,
      frame(USER_A, { type: 'position_shared', idea: ideaOf(USER_A, 1), comments: [] }),
    )
    const v3 = ideaOf(USER_A, 3, { status: 'Open', tags: ['new'] })
    const v2 = ideaOf(USER_A, 2, { status: 'Watching', tags: ['old'] })
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'position_updated', idea: v3 }))).toBe('applied')
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'position_updated', idea: v2 }))).toBe('ignored')
    const row = await t.db.idea.findUnique({ where: { id: IDEA_ID } })
    expect(row).toMatchObject({ version: 3, status: 'Open', tags: '["new"]' })
  })

  it('leaves a comment for an idea it does not have yet unacked, then applies it', async () => {
    const c = frame(USER_A, {
      type: 'comment_added',
      comment: comment('01900000-0000-7000-8000-0000000c0001', USER_A),
    })
    expect(await applyInbound(t.ctx, c)).toBe('deferred')
    expect(await t.db.inbox.count()).toBe(0)
    await applyInbound(
      t.ctx,
      frame(USER_A, { type: 'position_shared', idea: ideaOf(USER_A, 1), comments: [] }),
    )
    expect(await applyInbound(t.ctx, c)).toBe('applied')
    expect(await t.db.comment.count()).toBe(1)
  })

  it('refuses an event claiming an idea the sender does not own, acked and not applied', async () => {
    await applyInbound(
      t.ctx,
      frame(USER_A, { type: 'position_shared', idea: ideaOf(USER_A, 1), comments: [] }),
    )
    const byC = [
      frame(USER_C, { type: 'position_updated', idea: ideaOf(USER_A, 5, { status: 'Closed' }) }),
      frame(USER_C, { type: 'position_updated', idea: ideaOf(USER_C, 5, { status: 'Closed' }) }),
      frame(USER_C, { type: 'share_revoked', ideaId: IDEA_ID }),
      frame(USER_C, { type: 'position_deleted', ideaId: IDEA_ID }),
      frame(USER_C, {
        type: 'comment_added',
        comment: comment('01900000-0000-7000-8000-0000000c0002', USER_C),
      }),
      frame(USER_C, { type: 'position_shared', idea: ideaOf(USER_C, 9), comments: [] }),
    ]
    for (const f of byC) expect(await applyInbound(t.ctx, f)).toBe('refused')
    expect(await t.db.idea.findUnique({ where: { id: IDEA_ID } })).toMatchObject({
      version: 1,
      ownerId: USER_A.id,
    })
    expect(await t.db.comment.count()).toBe(0)
    expect(await t.db.inbox.count({ where: { outcome: 'refused' } })).toBe(byC.length)
  })

  it('refuses a share from someone who is not a friend', async () => {
    const f = frame(USER_C, { type: 'position_shared', idea: ideaOf(USER_C, 1), comments: [] })
    expect(await applyInbound(t.ctx, f)).toBe('refused')
    expect(await t.db.idea.count()).toBe(0)
  })

  it('removes a revoked idea and its comments with the exact notification', async () => {
    await applyInbound(
      t.ctx,
      frame(USER_A, {
        type: 'position_shared',
        idea: ideaOf(USER_A, 1),
        comments: [comment('01900000-0000-7000-8000-0000000c0003', USER_A)],
      }),
    )
    expect(await t.db.comment.count()).toBe(1)
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'share_revoked', ideaId: IDEA_ID }))).toBe(
      'applied',
    )
    expect(await t.db.idea.count()).toBe(0)
    expect(await t.db.comment.count()).toBe(0)
    const texts = (await t.db.notification.findMany()).map((n) => n.text)
    expect(texts).toContain(REVOKED_TEXT)
    expect(t.live.some((e) => e.name === 'idea:removed')).toBe(true)
    // A late update of the revoked idea is dropped, not left waiting.
    expect(
      await applyInbound(t.ctx, frame(USER_A, { type: 'position_updated', idea: ideaOf(USER_A, 2) })),
    ).toBe('ignored')
  })

  it('tells the author when its unconfirmed comment goes with a revoked idea', async () => {
    await applyInbound(
      t.ctx,
      frame(USER_A, {
        type: 'position_shared',
        idea: ideaOf(USER_A, 1),
        comments: [comment('01900000-0000-7000-8000-0000000c0006', USER_B)],
      }),
    )
    // Confirmed earlier (not pending) and one still in flight.
    await t.db.comment.create({
      data: {
        id: '01900000-0000-7000-8000-0000000c0007',
        ideaId: IDEA_ID,
        authorId: USER_B.id,
        authorName: 'User B',
        body: 'in flight during revoke',
        createdAt: new Date(),
        pending: true,
      },
    })
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'share_revoked', ideaId: IDEA_ID }))).toBe(
      'applied',
    )
    const texts = (await t.db.notification.findMany({ orderBy: { createdAt: 'asc' } })).map((n) => n.text)
    expect(texts).toContain(REVOKED_TEXT)
    expect(texts).toContain('Your comment on AAPL was not accepted: access was revoked')
    // The owner's rejection that follows finds nothing left to drop, and says nothing more.
    const r = frame(USER_A, {
      type: 'comment_rejected',
      commentId: '01900000-0000-7000-8000-0000000c0007',
      ideaId: IDEA_ID,
      reason: 'not shared',
    })
    expect(await applyInbound(t.ctx, r)).toBe('ignored')
    expect(await t.db.notification.count({ where: { kind: 'comment_rejected' } })).toBe(1)
  })

  it('confirms its own pending comment when the owner fans it out, and drops a rejected one', async () => {
    await applyInbound(
      t.ctx,
      frame(USER_A, { type: 'position_shared', idea: ideaOf(USER_A, 1), comments: [] }),
    )
    const mine = comment('01900000-0000-7000-8000-0000000c0004', USER_B)
    await t.db.comment.create({
      data: {
        id: mine.id,
        ideaId: IDEA_ID,
        authorId: USER_B.id,
        authorName: 'User B',
        body: mine.body,
        createdAt: new Date(mine.createdAt),
        pending: true,
      },
    })
    await applyInbound(t.ctx, frame(USER_A, { type: 'comment_added', comment: mine }))
    expect(await t.db.comment.findUnique({ where: { id: mine.id } })).toMatchObject({ pending: false })
    expect(await t.db.notification.count({ where: { kind: 'comment_added' } })).toBe(0)

    const rejected = comment('01900000-0000-7000-8000-0000000c0005', USER_B)
    await t.db.comment.create({
      data: {
        id: rejected.id,
        ideaId: IDEA_ID,
        authorId: USER_B.id,
        authorName: 'User B',
        body: 'x',
        createdAt: new Date(),
        pending: true,
      },
    })
    const r = frame(USER_A, {
      type: 'comment_rejected',
      commentId: rejected.id,
      ideaId: IDEA_ID,
      reason: 'not shared',
    })
    expect(await applyInbound(t.ctx, r)).toBe('applied')
    expect(await t.db.comment.findUnique({ where: { id: rejected.id } })).toBeNull()
    expect(await t.db.notification.count({ where: { kind: 'comment_rejected' } })).toBe(1)
  })
})

describe('friend requests', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  beforeEach(async () => {
    t = await testCtx(USER_A)
  })
  afterEach(() => t.close())

  it('makes crossing requests friends and answers with friend_accepted', async () => {
    await t.db.friend.create({ data: { userId: USER_B.id, displayName: 'User B', status: 'outgoing' } })
    expect(await applyInbound(t.ctx, frame(USER_B, { type: 'friend_request', user: USER_B }))).toBe('applied')
    expect(await t.db.friend.findUnique({ where: { userId: USER_B.id } })).toMatchObject({
      status: 'accepted',
    })
    expect(await t.db.outbox.findMany()).toMatchObject([{ recipientId: USER_B.id, type: 'friend_accepted' }])
  })

  it('stores an incoming request with a notification', async () => {
    await applyInbound(t.ctx, frame(USER_B, { type: 'friend_request', user: USER_B }))
    expect(await t.db.friend.findUnique({ where: { userId: USER_B.id } })).toMatchObject({
      status: 'incoming',
    })
    expect((await t.db.notification.findFirst())?.text).toBe('User B sent you a friend request')
  })

  it('ignores a friend_accepted nobody asked for', async () => {
    expect(await applyInbound(t.ctx, frame(USER_B, { type: 'friend_accepted', user: USER_B }))).toBe(
      'refused',
    )
    expect(await t.db.friend.count()).toBe(0)
  })

  it('accepts an answer to its own request, with a notification', async () => {
    await t.db.friend.create({ data: { userId: USER_B.id, displayName: 'User B', status: 'outgoing' } })
    expect(await applyInbound(t.ctx, frame(USER_B, { type: 'friend_accepted', user: USER_B }))).toBe(
      'applied',
    )
    expect(await t.db.friend.findUnique({ where: { userId: USER_B.id } })).toMatchObject({
      status: 'accepted',
    })
    expect((await t.db.notification.findFirst())?.text).toBe('User B accepted your friend request')
  })
})
