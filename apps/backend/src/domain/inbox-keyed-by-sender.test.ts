import type { Comment, Idea } from '@pp/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { frame, testCtx } from '../test-support/ctx.js'
import { USER_A, USER_B, USER_C } from '../test-support/temp.js'
import { applyInbound } from './inbound.js'

const IDEA_ID = '01900000-0000-7000-8000-00000000b001'
/** The id of A's fan-out of a comment: the same id reaches every sharee, C as well as B. */
const FANOUT_ID = '01900000-0000-7000-8000-00000000e001'

const idea: Idea = {
  id: IDEA_ID,
  owner: USER_A,
  symbol: 'AAPL',
  strategy: 'Covered Call',
  status: 'Planned',
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

const realComment: Comment = {
  id: '01900000-0000-7000-8000-0000000c2001',
  ideaId: IDEA_ID,
  author: USER_A,
  body: 'the real comment',
  createdAt: '2026-11-22T02:00:00.000Z',
}

describe('the inbox is keyed by (verified sender, event id)', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  beforeEach(async () => {
    t = await testCtx(USER_B)
    for (const u of [USER_A, USER_C]) {
      await t.db.friend.create({ data: { userId: u.id, displayName: u.displayName, status: 'accepted' } })
    }
    await applyInbound(t.ctx, frame(USER_A, { type: 'position_shared', idea, comments: [] }))
  })
  afterEach(() => t.close())

  it('applies the owner’s comment even when a co-sharee’s frame under the same id arrived first', async () => {
    // C, a co-sharee who saw the fan-out's id, gets a frame to B first under that id.
    const forged = frame(
      USER_C,
      {
        type: 'comment_added',
        comment: { ...realComment, id: '01900000-0000-7000-8000-0000000c2002', author: USER_C },
      },
      FANOUT_ID,
    )
    expect(await applyInbound(t.ctx, forged)).toBe('refused')

    const real = frame(USER_A, { type: 'comment_added', comment: realComment }, FANOUT_ID)
    expect(await applyInbound(t.ctx, real)).toBe('applied')
    expect(await t.db.comment.findUnique({ where: { id: realComment.id } })).toMatchObject({
      authorId: USER_A.id,
      body: 'the real comment',
    })
    expect(t.live).toContainEqual({
      name: 'comment:upserted',
      payload: expect.objectContaining({ id: realComment.id }),
    })

    // The owner's redelivery of the same event is still a duplicate: acked again, not applied.
    expect(await applyInbound(t.ctx, real)).toBe('duplicate')
    expect(await t.db.comment.count({ where: { id: realComment.id } })).toBe(1)
    expect(await t.db.notification.count({ where: { kind: 'comment_added' } })).toBe(1)
    // Two rows under the one id, one per sender.
    expect(
      (await t.db.inbox.findMany({ where: { eventId: FANOUT_ID }, orderBy: { fromId: 'asc' } })).map((r) => [
        r.fromId,
        r.outcome,
      ]),
    ).toEqual([
      [USER_A.id, 'applied'],
      [USER_C.id, 'refused'],
    ])
  })

  it('judges a co-sharee’s frame reusing an applied event’s id on its own merits, not as a duplicate', async () => {
    expect(
      await applyInbound(t.ctx, frame(USER_A, { type: 'comment_added', comment: realComment }, FANOUT_ID)),
    ).toBe('applied')
    const replay = frame(USER_C, { type: 'share_revoked', ideaId: IDEA_ID }, FANOUT_ID)
    expect(await applyInbound(t.ctx, replay)).toBe('refused')
    expect(await t.db.idea.count()).toBe(1)
    // And its own duplicate is a duplicate.
    expect(await applyInbound(t.ctx, replay)).toBe('duplicate')
  })
})
