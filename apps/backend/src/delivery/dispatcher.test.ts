import type { SendFrame } from '@pp/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createIdea, patchIdea, putShares } from '../domain/ideas.js'
import { openSent, pinKeys, testCtx, testDispatcher } from '../test-support/ctx.js'
import { waitFor } from '../test-support/processes.js'
import { USER_A, USER_B, USER_C } from '../test-support/temp.js'
import type { Dispatcher } from './dispatcher.js'

describe('the outbox and its dispatcher', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  let sent: SendFrame[]
  let link: { connected: boolean; send: (f: SendFrame) => boolean }
  let dispatcher: Dispatcher
  beforeEach(async () => {
    t = await testCtx(USER_A)
    sent = []
    link = {
      connected: true,
      send: (f) => {
        if (!link.connected) return false
        sent.push(f)
        return true
      },
    }
    dispatcher = testDispatcher(t, link)
    for (const u of [USER_B, USER_C]) {
      await t.db.friend.create({ data: { userId: u.id, displayName: u.displayName, status: 'accepted' } })
    }
  })
  afterEach(async () => {
    dispatcher.stop()
    await t.close()
  })

  it('writes nothing when the change fails (one transaction)', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await expect(
      putShares(t.ctx, idea.id, [USER_B.id, '00000000-0000-0000-0000-0000000000ee']),
    ).rejects.toThrow()
    expect(await t.db.outbox.count()).toBe(0)
    expect(await t.db.share.count()).toBe(0)
  })

  it('seals an event for each recipient under one id, and marks rows on ack', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id, USER_C.id])
    dispatcher.kick()
    await waitFor(() => sent.length === 2, 'a frame per recipient')
    expect(sent.map((f) => f.to)).toEqual([[USER_B.id], [USER_C.id]])
    expect(new Set(sent.map((f) => f.id)).size).toBe(1)
    for (const f of sent) {
      // Only the type is readable; the body opens for its own recipient only.
      expect(Object.keys(f.event)).toEqual(['type', 'sealed'])
      expect(JSON.stringify(f)).not.toContain('AAPL')
      expect(openSent(f, USER_A.id)).toMatchObject({ type: 'position_shared', idea: { symbol: 'AAPL' } })
    }
    const [toB, toC] = sent
    if (!toB || !toC) throw new Error('frames missing')
    expect(() => openSent({ ...toB, to: [USER_C.id] }, USER_A.id)).toThrow(/does not open/)
    dispatcher.onAck(sent[0]?.id ?? '', USER_B.id)
    await dispatcher.settle()
    const rows = await t.db.outbox.findMany({ orderBy: { recipientId: 'asc' } })
    expect(rows.map((r) => r.ackedAt !== null)).toEqual([true, false])
  })

  it('sends a hello first to a recipient whose keys it lacks, and the event once they arrive', async () => {
    await t.db.peerKey.delete({ where: { userId: USER_C.id } })
    t.ctx.keys.forget(USER_C.id)
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id, USER_C.id])
    dispatcher.kick()
    await waitFor(() => sent.some((f) => f.event.type === 'hello'), 'a hello to C')
    const hello = sent.find((f) => f.event.type === 'hello')
    expect(hello?.to).toEqual([USER_C.id])
    expect(hello?.event).toEqual({ type: 'hello', keys: t.ctx.keys.publicKeys, reply: false })
    expect(sent.filter((f) => f.event.type === 'position_shared').map((f) => f.to)).toEqual([[USER_B.id]])
    // C's answer pins its keys: the share goes to C too.
    await pinKeys(t.db, USER_C.id)
    t.ctx.keys.forget(USER_C.id)
    dispatcher.onKeysLearned(USER_C.id)
    await waitFor(() => sent.filter((f) => f.event.type === 'position_shared').length === 2, 'the share to C')
    const toC = sent.filter((f) => f.event.type === 'position_shared').at(-1)
    if (!toC) throw new Error('no share to C')
    expect(openSent(toC, USER_A.id)).toMatchObject({ type: 'position_shared' })
  })

  it('keeps rows while the link is down and sends them in order when it is back', async () => {
    link.connected = false
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    await patchIdea(t.ctx, idea.id, { status: 'Closed' })
    dispatcher.kick()
    expect(sent).toEqual([])
    link.connected = true
    await dispatcher.onLinkUp()
    await waitFor(() => sent.length === 3, 'three frames')
    expect(sent.map((f) => f.event.type)).toEqual(['position_shared', 'position_updated', 'activity_added'])
  })

  it('resends an unacked row when its recipient comes online', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    dispatcher.kick()
    await waitFor(() => sent.length === 1, 'sent once')
    dispatcher.onUndeliverable(sent[0]?.id ?? '', USER_B.id)
    await dispatcher.settle()
    expect(await t.db.outbox.count({ where: { nextAttemptAt: { gt: new Date() } } })).toBe(1)
    dispatcher.kick()
    await dispatcher.onPeerOnline(USER_B.id)
    await waitFor(() => sent.length === 2, 'sent again')
    expect(sent[1]?.id).toBe(sent[0]?.id)
  })

  it('does not resend a row in flight when a presence answers a watch', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    dispatcher.kick()
    await waitFor(() => sent.length === 1, 'sent once')
    await dispatcher.onPeerOnline(USER_B.id)
    await patchIdea(t.ctx, idea.id, { status: 'Closed' })
    dispatcher.kick()
    await waitFor(() => sent.length === 3, 'the update and its history entry sent')
    expect(sent.map((f) => f.event.type)).toEqual(['position_shared', 'position_updated', 'activity_added'])
  })

  it('resends rows in flight when a recipient comes back after being seen offline', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    dispatcher.kick()
    await waitFor(() => sent.length === 1, 'sent once')
    await dispatcher.onPeerOnline(USER_B.id, true)
    await waitFor(() => sent.length === 2, 'sent again at once')
    expect(sent[1]?.id).toBe(sent[0]?.id)
  })

  it('does not apply a redelivered event twice at the recipient', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    dispatcher.kick()
    await waitFor(() => sent.length === 1, 'sent')
    const b = await testCtx(USER_B)
    try {
      await b.db.friend.create({ data: { userId: USER_A.id, displayName: 'User A', status: 'accepted' } })
      const { applyInbound } = await import('../domain/inbound.js')
      const f = sent[0]
      if (!f) throw new Error('no frame')
      const ev = { id: f.id, from: USER_A, event: openSent(f, USER_A.id) }
      expect([await applyInbound(b.ctx, ev), await applyInbound(b.ctx, ev)]).toEqual(['applied', 'duplicate'])
      expect(await b.db.idea.count()).toBe(1)
    } finally {
      await b.close()
    }
  })
})
