import type { SendFrame } from '@pp/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createIdea, putShares } from '../domain/ideas.js'
import { openSent, testCtx, testDispatcher } from '../test-support/ctx.js'
import { waitFor } from '../test-support/processes.js'
import { USER_A, USER_B } from '../test-support/temp.js'
import type { Dispatcher } from './dispatcher.js'

// Regression: share-changing events for one idea and recipient could arrive out of order. A share
// whose frame was lost (relay crash) was retried after the revocation written after it had gone
// through, so the sharee kept an idea no longer shared with it; the reverse left a sharee without an
// idea shared with it. Found by chaos/src/relay-crash.test.ts ("not shared, but answered 200" and
// "shared, but answered 404" with 0 events lost).
describe('share-changing events for one idea and recipient go one at a time, in order', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  let sent: SendFrame[]
  let dispatcher: Dispatcher
  beforeEach(async () => {
    t = await testCtx(USER_A)
    sent = []
    const link = {
      connected: true,
      send: (f: SendFrame) => {
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

  it('holds a revocation until the share before it is acked, then sends it', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    const other = await createIdea(t.ctx, { symbol: 'MSFT', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    dispatcher.kick()
    await waitFor(() => sent.length === 1, 'the share')
    const share = sent[0]
    await putShares(t.ctx, idea.id, [])
    await putShares(t.ctx, other.id, [USER_B.id])
    dispatcher.kick()
    // Another idea's share is not held up; the revocation of the first one is.
    await waitFor(
      () =>
        sent.some((f) => {
          const e = f.event.type === 'position_shared' ? openSent(f, USER_A.id) : null
          return e?.type === 'position_shared' && e.idea.id === other.id
        }),
      'the other share',
    )
    await dispatcher.settle()
    expect(sent.filter((f) => f.event.type === 'share_revoked')).toEqual([])
    dispatcher.onAck(share?.id ?? '', USER_B.id)
    await waitFor(() => sent.some((f) => f.event.type === 'share_revoked'), 'the revocation after the ack')
    const order = sent.map((f) => f.event.type)
    expect(order.indexOf('share_revoked')).toBeGreaterThan(order.indexOf('position_shared'))
  })

  it('holds a revocation behind a share parked just before the relay link came back', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    dispatcher.kick()
    await waitFor(() => sent.length === 1, 'the share')
    const share = sent[0]
    // The relay answers that B is offline, then the link drops and comes back at once: the park is
    // still being written while the link is up again, and nothing of the share is in flight.
    dispatcher.onUndeliverable(share?.id ?? '', USER_B.id)
    await dispatcher.onLinkUp()
    await dispatcher.settle()
    await putShares(t.ctx, idea.id, [])
    dispatcher.kick()
    await waitFor(() => sent.length >= 2, 'the next frame')
    await dispatcher.settle()
    await new Promise((r) => setTimeout(r, 50))
    // The share goes again first; the revocation waits for its ack whatever became of the share.
    expect(sent.map((f) => f.event.type)).toEqual(['position_shared', 'position_shared'])
    dispatcher.onAck(share?.id ?? '', USER_B.id)
    await waitFor(() => sent.some((f) => f.event.type === 'share_revoked'), 'the revocation after the ack')
  })
})
