import type { SendFrame } from '@pp/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { postComment } from '../domain/comments.js'
import { createIdea, patchIdea, putShares } from '../domain/ideas.js'
import { openSent, testCtx, testDispatcher } from '../test-support/ctx.js'
import { waitFor } from '../test-support/processes.js'
import { USER_A, USER_B } from '../test-support/temp.js'
import type { Dispatcher } from './dispatcher.js'

// Regression: a position_shared carried the thread as it was when the share was written. A comment
// fanned out after that could reach the sharee first (its frame sent while the share's was being
// retried after a relay crash) and be dropped there, since the sharee held only a tombstone of the
// idea; the share then arrived without it and the sharee missed the comment for good. Found by
// chaos/src/relay-crash.test.ts (the sharee ended with 7 of the owner's 10 comments).
describe('a share sent late carries what was written after it', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  let sent: SendFrame[]
  let link: { connected: boolean; send: (f: SendFrame) => boolean }
  let dispatcher: Dispatcher
  beforeEach(async () => {
    t = await testCtx(USER_A)
    sent = []
    link = {
      connected: false,
      send: (f) => {
        if (!link.connected) return false
        sent.push(f)
        return true
      },
    }
    dispatcher = testDispatcher(t, link)
    await t.db.friend.create({
      data: { userId: USER_B.id, displayName: USER_B.displayName, status: 'accepted' },
    })
  })
  afterEach(async () => {
    dispatcher.stop()
    await t.close()
  })

  it('sends position_shared with the comments and version current at sending time', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    const later = await postComment(t.ctx, idea.id, 'written after the share')
    await patchIdea(t.ctx, idea.id, { status: 'Closed' })
    link.connected = true
    dispatcher.kick()
    await waitFor(() => sent.some((f) => f.event.type === 'position_shared'), 'the share frame')
    const sentShare = sent.find((f) => f.event.type === 'position_shared')
    const share = sentShare && openSent(sentShare, USER_A.id)
    if (share?.type !== 'position_shared') throw new Error('no share sent')
    expect(share.comments.map((c) => c.id)).toContain(later.id)
    expect(share.idea.status).toBe('Closed')
  })
})
