import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { frame, testCtx } from '../test-support/ctx.js'
import { USER_A, USER_B } from '../test-support/temp.js'
import { removeFriend, requestFriend } from './friends.js'
import { createIdea, putShares } from './ideas.js'
import { applyInbound } from './inbound.js'

describe('removing a friend ends sharing both ways', () => {
  let a: Awaited<ReturnType<typeof testCtx>>
  let b: Awaited<ReturnType<typeof testCtx>>
  beforeEach(async () => {
    a = await testCtx(USER_A)
    b = await testCtx(USER_B)
    await a.db.friend.create({ data: { userId: USER_B.id, displayName: 'User B', status: 'accepted' } })
    await b.db.friend.create({ data: { userId: USER_A.id, displayName: 'User A', status: 'accepted' } })
  })
  afterEach(async () => {
    await a.close()
    await b.close()
  })

  /** Delivers every pending outbox row of `from` to `to`, as the relay would. */
  async function deliver(from: typeof a, to: typeof b, sender: typeof USER_A) {
    const rows = await from.db.outbox.findMany({ where: { ackedAt: null }, orderBy: { seq: 'asc' } })
    for (const r of rows) {
      await applyInbound(to.ctx, frame(sender, JSON.parse(r.payload), r.eventId))
      await from.db.outbox.update({ where: { seq: r.seq }, data: { ackedAt: new Date() } })
    }
  }

  it('revokes my shares with them and drops their ideas from my view, on both sides', async () => {
    const mine = await createIdea(a.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(a.ctx, mine.id, [USER_B.id])
    const theirs = await createIdea(b.ctx, { symbol: 'MSFT', strategy: 'Stock', status: 'Open' })
    await putShares(b.ctx, theirs.id, [USER_A.id])
    await deliver(a, b, USER_A)
    await deliver(b, a, USER_B)
    expect(await b.db.idea.count()).toBe(2)

    await removeFriend(a.ctx, USER_B.id)
    expect(await a.db.share.count()).toBe(0)
    expect(await a.db.idea.findUnique({ where: { id: theirs.id } })).toBeNull()
    const types = (await a.db.outbox.findMany({ where: { ackedAt: null } })).map((r) => r.type).sort()
    expect(types).toEqual(['friend_removed', 'share_revoked'])

    await deliver(a, b, USER_A)
    expect(await b.db.friend.count()).toBe(0)
    expect(await b.db.idea.findUnique({ where: { id: mine.id } })).toBeNull()
    expect(await b.db.share.count()).toBe(0)
    // Sharing needs a friendship again.
    await expect(putShares(b.ctx, theirs.id, [USER_A.id])).rejects.toThrow(/not a friend/)
    // A new request starts over.
    expect((await requestFriend(b.ctx, USER_A.id)).status).toBe('outgoing')
  })
})
