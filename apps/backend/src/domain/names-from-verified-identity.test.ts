import type { Comment, Idea, UserRef } from '@pp/contracts'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { frame, testCtx } from '../test-support/ctx.js'
import { USER_A, USER_B, USER_C } from '../test-support/temp.js'
import { listComments } from './comments.js'
import { createIdea, listSharedWithMe, putShares } from './ideas.js'
import { applyInbound } from './inbound.js'
import { unknownUserName } from './verified-names.js'

/** Someone neither side is friends with. */
const USER_D = { id: '00000000-0000-0000-0000-000000000004', displayName: 'User D' }
const IDEA_ID = '01900000-0000-7000-8000-00000000c001'

const as = (user: UserRef, displayName: string): UserRef => ({ id: user.id, displayName })

function ideaOf(owner: UserRef, version = 1): Idea {
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
  }
}

const commentBy = (author: UserRef, n: number, ideaId = IDEA_ID): Comment => ({
  id: `01900000-0000-7000-8000-0000000c30${String(n).padStart(2, '0')}`,
  ideaId,
  author,
  body: `comment ${n}`,
  createdAt: `2026-11-22T02:00:${String(n).padStart(2, '0')}.000Z`,
})

/** Captures warn lines (and above) of the context's logger. */
function captureWarnings(t: Awaited<ReturnType<typeof testCtx>>): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = []
  t.ctx.log = pino(
    { level: 'warn' },
    { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) },
  )
  return lines
}

describe('a sharee names people from verified identity, never from payloads', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  beforeEach(async () => {
    t = await testCtx(USER_B)
    // B's friends: A (the owner) and C; B does not know D.
    for (const u of [USER_A, USER_C]) {
      await t.db.friend.create({ data: { userId: u.id, displayName: u.displayName, status: 'accepted' } })
    }
  })
  afterEach(() => t.close())

  it('names a shared idea’s owner after the verified sender, whatever name the snapshot carries', async () => {
    // C, a friend, shares its own idea claiming to be "User A".
    const f = frame(USER_C, { type: 'position_shared', idea: ideaOf(as(USER_C, 'User A')), comments: [] })
    expect(await applyInbound(t.ctx, f)).toBe('applied')
    expect(await t.db.idea.findUnique({ where: { id: IDEA_ID } })).toMatchObject({
      ownerId: USER_C.id,
      ownerName: 'User C',
    })
    const [shared] = await listSharedWithMe(t.ctx)
    expect(shared?.owner).toEqual(USER_C)
    expect(t.live).toContainEqual({
      name: 'idea:upserted',
      payload: expect.objectContaining({ owner: USER_C }),
    })
    expect((await t.db.notification.findFirst())?.text).toBe('User C shared AAPL with you')

    // A later update with yet another name changes nothing about who the owner is called.
    const u = frame(USER_C, { type: 'position_updated', idea: ideaOf(as(USER_C, 'Your bank'), 2) })
    expect(await applyInbound(t.ctx, u)).toBe('applied')
    expect(await t.db.idea.findUnique({ where: { id: IDEA_ID } })).toMatchObject({
      version: 2,
      ownerName: 'User C',
    })
  })

  it('refuses (acks, warns once with the reason) a snapshot whose owner is not the sender', async () => {
    const warnings = captureWarnings(t)
    const shared = frame(USER_C, { type: 'position_shared', idea: ideaOf(USER_A), comments: [] })
    expect(await applyInbound(t.ctx, shared)).toBe('refused')
    expect(await t.db.idea.count()).toBe(0)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ eventId: shared.id, fromId: USER_C.id, reason: expect.any(String) })
    expect(warnings[0]?.reason).toMatch(/not the sender/)
    // Recorded, so its redelivery is a duplicate (acked again) rather than retried forever.
    expect(await t.db.inbox.findMany()).toMatchObject([{ eventId: shared.id, outcome: 'refused' }])
    expect(await applyInbound(t.ctx, shared)).toBe('duplicate')
    expect(warnings).toHaveLength(1)
  })

  it('names the thread’s authors from its friend records, itself and the sender; an unknown one by id', async () => {
    const thread = [
      commentBy(as(USER_A, 'The CEO'), 1),
      commentBy(as(USER_B, 'Somebody else'), 2),
      commentBy(as(USER_C, 'User A'), 3),
      commentBy(as(USER_D, 'User A'), 4),
    ]
    const f = frame(USER_A, { type: 'position_shared', idea: ideaOf(USER_A), comments: thread })
    expect(await applyInbound(t.ctx, f)).toBe('applied')
    const names = (await listComments(t.ctx, IDEA_ID)).map((c) => c.author)
    expect(names).toEqual([
      USER_A,
      USER_B,
      USER_C,
      { id: USER_D.id, displayName: unknownUserName(USER_D.id) },
    ])
    const pushed = t.live.filter((e) => e.name === 'comment:upserted').map((e) => e.payload)
    expect(pushed.map((p) => ('author' in p ? p.author.displayName : null))).toEqual([
      'User A',
      'User B',
      'User C',
      unknownUserName(USER_D.id),
    ])
  })

  it('names the author of a comment the owner fans out from what it knows, notification included', async () => {
    await applyInbound(t.ctx, frame(USER_A, { type: 'position_shared', idea: ideaOf(USER_A), comments: [] }))
    const byD = commentBy(as(USER_D, 'User A'), 5)
    const byC = commentBy(as(USER_C, 'Support'), 6)
    for (const c of [byD, byC]) {
      expect(await applyInbound(t.ctx, frame(USER_A, { type: 'comment_added', comment: c }))).toBe('applied')
    }
    expect(await t.db.comment.findUnique({ where: { id: byD.id } })).toMatchObject({
      authorId: USER_D.id,
      authorName: unknownUserName(USER_D.id),
    })
    expect(await t.db.comment.findUnique({ where: { id: byC.id } })).toMatchObject({ authorName: 'User C' })
    const texts = (await t.db.notification.findMany({ where: { kind: 'comment_added' } })).map((n) => n.text)
    expect(texts.sort()).toEqual([
      `${unknownUserName(USER_D.id)} commented on AAPL`,
      'User C commented on AAPL',
    ])
  })
})

describe('the owner names a sharee’s comment after the verified sender', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  let ideaId: string
  beforeEach(async () => {
    t = await testCtx(USER_A)
    for (const u of [USER_B, USER_C]) {
      await t.db.friend.create({ data: { userId: u.id, displayName: u.displayName, status: 'accepted' } })
    }
    ideaId = (await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })).id
    await putShares(t.ctx, ideaId, [USER_B.id, USER_C.id])
    await t.db.outbox.deleteMany()
  })
  afterEach(() => t.close())

  it('stores, notifies and fans out the sender’s verified name, not the one in the comment', async () => {
    const c = commentBy(as(USER_B, 'User A'), 7, ideaId)
    expect(await applyInbound(t.ctx, frame(USER_B, { type: 'comment_added', comment: c }))).toBe('applied')
    expect(await t.db.comment.findUnique({ where: { id: c.id } })).toMatchObject({
      authorId: USER_B.id,
      authorName: 'User B',
      body: c.body,
    })
    expect((await t.db.notification.findFirst({ where: { kind: 'comment_added' } }))?.text).toBe(
      'User B commented on AAPL',
    )
    const out = await t.db.outbox.findMany({ orderBy: { recipientId: 'asc' } })
    expect(out.map((r) => r.recipientId)).toEqual([USER_B.id, USER_C.id])
    for (const r of out) {
      expect(JSON.parse(r.payload)).toMatchObject({ type: 'comment_added', comment: { author: USER_B } })
    }
  })

  it('refuses (acks, warns once) a sharee’s comment whose author is someone else', async () => {
    const warnings = captureWarnings(t)
    const f = frame(USER_B, { type: 'comment_added', comment: commentBy(USER_C, 8, ideaId) })
    expect(await applyInbound(t.ctx, f)).toBe('refused')
    expect(await t.db.comment.count()).toBe(0)
    expect(await t.db.outbox.count()).toBe(0)
    expect(await t.db.notification.count({ where: { kind: 'comment_added' } })).toBe(0)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ eventId: f.id, fromId: USER_B.id, reason: expect.any(String) })
    expect(await applyInbound(t.ctx, f)).toBe('duplicate')
  })

  it('refuses a sharee’s comment reusing the id of another author’s comment', async () => {
    const original = commentBy(USER_C, 9, ideaId)
    expect(await applyInbound(t.ctx, frame(USER_C, { type: 'comment_added', comment: original }))).toBe(
      'applied',
    )
    await t.db.outbox.deleteMany()
    const reuse = { ...original, author: USER_B, body: 'overwritten?' }
    expect(await applyInbound(t.ctx, frame(USER_B, { type: 'comment_added', comment: reuse }))).toBe(
      'refused',
    )
    expect(await t.db.comment.findUnique({ where: { id: original.id } })).toMatchObject({
      authorId: USER_C.id,
      body: original.body,
    })
    expect(await t.db.outbox.count()).toBe(0)
  })
})
