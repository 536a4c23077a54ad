import type { ActivityEntry } from '@pp/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { frame, testCtx } from '../test-support/ctx.js'
import { USER_A, USER_B, USER_C } from '../test-support/temp.js'
import { listActivity } from './activity.js'
import { createIdea, patchIdea, putShares } from './ideas.js'
import { applyInbound } from './inbound.js'

describe('the owner keeps an idea’s history and sends it to every sharee', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  beforeEach(async () => {
    t = await testCtx(USER_A)
    for (const u of [USER_B, USER_C]) {
      await t.db.friend.create({ data: { userId: u.id, displayName: u.displayName, status: 'accepted' } })
    }
  })
  afterEach(() => t.close())

  const payloads = async (type: string) =>
    (await t.db.outbox.findMany({ where: { type }, orderBy: [{ seq: 'asc' }] })).map((r) => ({
      to: r.recipientId,
      event: JSON.parse(r.payload),
    }))

  it('records who changed what, in the transaction of the change', async () => {
    const idea = await createIdea(t.ctx, {
      symbol: 'ORCL',
      strategy: 'Long Call',
      status: 'Planned',
      tags: ['ai'],
    })
    await patchIdea(t.ctx, idea.id, {
      status: 'Open',
      tags: ['ai', 'earnings'],
      entryPrice: 120,
      legs: [{ type: 'call', side: 'buy', strike: 125, expiry: '2027-03-19', premium: 4.1, quantity: 2 }],
    })
    await patchIdea(t.ctx, idea.id, { tags: ['earnings'], notes: 'waiting for the print' })
    const history = await listActivity(t.ctx, idea.id)
    expect(history.map((e) => e.changes)).toEqual([
      [{ kind: 'created' }],
      [
        { kind: 'status', from: 'Planned', to: 'Open' },
        { kind: 'tags', added: ['earnings'], removed: [] },
        { kind: 'price', field: 'entryPrice', from: null, to: 120 },
        { kind: 'legs', from: 0, to: 1 },
      ],
      [{ kind: 'tags', added: [], removed: ['ai'] }, { kind: 'notes' }],
    ])
    expect(history.every((e) => e.actor.id === USER_A.id && e.actor.displayName === USER_A.displayName)).toBe(
      true,
    )
    expect(t.live.filter((l) => l.name === 'activity:added')).toHaveLength(3)
  })

  it('gives a new sharee the whole history with the idea, and the others an entry of the share', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'ORCL', strategy: 'Stock', status: 'Planned' })
    await putShares(t.ctx, idea.id, [USER_B.id])
    const [shared] = await payloads('position_shared')
    expect(shared?.to).toBe(USER_B.id)
    expect(shared?.event.activity.map((e: ActivityEntry) => e.changes[0]?.kind)).toEqual([
      'created',
      'shared',
    ])
    await t.db.outbox.deleteMany()

    await putShares(t.ctx, idea.id, [USER_C.id])
    // B is no longer on the idea (share_revoked), C gets the idea and its history: nobody is left to tell.
    expect(await payloads('activity_added')).toEqual([])
    const last = (await listActivity(t.ctx, idea.id)).at(-1)
    expect(last?.changes).toEqual([
      { kind: 'shared', users: [USER_C] },
      { kind: 'unshared', users: [USER_B] },
    ])
    await t.db.outbox.deleteMany()

    await patchIdea(t.ctx, idea.id, { status: 'Watching' })
    const sent = await payloads('activity_added')
    expect(sent.map((s) => s.to)).toEqual([USER_C.id])
    expect(sent[0]?.event.entry.changes).toEqual([{ kind: 'status', from: 'Planned', to: 'Watching' }])
  })

  it('writes no entry for a patch that changes nothing', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'ORCL', strategy: 'Stock', status: 'Planned' })
    await patchIdea(t.ctx, idea.id, { status: 'Planned' })
    expect(await t.db.ideaActivity.count()).toBe(1)
  })
})

describe('a sharee stores the owner’s history once', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  const IDEA_ID = '01900000-0000-7000-8000-00000000d001'
  const idea = {
    id: IDEA_ID,
    owner: USER_A,
    symbol: 'ORCL',
    strategy: 'Stock' as const,
    status: 'Planned' as const,
    tags: [],
    notes: '',
    entryPrice: 120,
    targetPrice: 140,
    stopPrice: 110,
    legs: [],
    version: 1,
    createdAt: '2026-12-07T10:00:00.000Z',
    updatedAt: '2026-12-07T10:00:00.000Z',
  }
  const entry = (n: number, actor = USER_A): ActivityEntry => ({
    id: `01900000-0000-7000-8000-0000000da00${n}`,
    ideaId: IDEA_ID,
    actor,
    changes: [{ kind: 'status', from: 'Planned', to: 'Open' }],
    createdAt: `2026-12-07T10:00:0${n}.000Z`,
  })
  beforeEach(async () => {
    t = await testCtx(USER_B)
    for (const u of [USER_A, USER_C]) {
      await t.db.friend.create({ data: { userId: u.id, displayName: u.displayName, status: 'accepted' } })
    }
  })
  afterEach(() => t.close())

  it('takes the history that comes with a share, and the prices', async () => {
    const first = { ...entry(1), changes: [{ kind: 'created' as const }] }
    const shared = frame(USER_A, { type: 'position_shared', idea, comments: [], activity: [first] })
    expect(await applyInbound(t.ctx, shared)).toBe('applied')
    expect(await listActivity(t.ctx, IDEA_ID)).toEqual([first])
    expect(await t.db.idea.findUnique({ where: { id: IDEA_ID } })).toMatchObject({
      entryPrice: 120,
      targetPrice: 140,
      stopPrice: 110,
    })
  })

  it('applies an entry exactly once, even under a new event id', async () => {
    await applyInbound(t.ctx, frame(USER_A, { type: 'position_shared', idea, comments: [] }))
    const f = frame(USER_A, { type: 'activity_added', entry: entry(2) })
    expect(await applyInbound(t.ctx, f)).toBe('applied')
    expect(await applyInbound(t.ctx, f)).toBe('duplicate')
    const again = frame(USER_A, { type: 'activity_added', entry: entry(2) })
    expect(await applyInbound(t.ctx, again)).toBe('ignored')
    expect(await t.db.ideaActivity.count()).toBe(1)
    expect(t.live.filter((l) => l.name === 'activity:added')).toHaveLength(1)
  })

  it('leaves an entry for an idea not here yet unacked, and drops one for an idea that left', async () => {
    const early = frame(USER_A, { type: 'activity_added', entry: entry(3) })
    expect(await applyInbound(t.ctx, early)).toBe('deferred')
    expect(await t.db.inbox.count()).toBe(0)
    await applyInbound(t.ctx, frame(USER_A, { type: 'position_shared', idea, comments: [] }))
    expect(await applyInbound(t.ctx, early)).toBe('applied')
    await applyInbound(t.ctx, frame(USER_A, { type: 'share_revoked', ideaId: IDEA_ID }))
    expect(await t.db.ideaActivity.count()).toBe(0)
    expect(await applyInbound(t.ctx, frame(USER_A, { type: 'activity_added', entry: entry(4) }))).toBe(
      'ignored',
    )
  })

  it('refuses an entry from anyone but the idea’s owner, or in someone else’s name', async () => {
    await applyInbound(t.ctx, frame(USER_A, { type: 'position_shared', idea, comments: [] }))
    expect(
      await applyInbound(t.ctx, frame(USER_C, { type: 'activity_added', entry: entry(5, USER_C) })),
    ).toBe('refused')
    expect(
      await applyInbound(t.ctx, frame(USER_A, { type: 'activity_added', entry: entry(6, USER_C) })),
    ).toBe('refused')
    const forged = frame(USER_A, {
      type: 'position_shared',
      idea: { ...idea, version: 2 },
      comments: [],
      activity: [entry(7, USER_C)],
    })
    expect(await applyInbound(t.ctx, forged)).toBe('refused')
    expect(await t.db.ideaActivity.count()).toBe(0)
  })

  it('names the entry’s actor as it knows the owner, not as the payload does', async () => {
    await applyInbound(t.ctx, frame(USER_A, { type: 'position_shared', idea, comments: [] }))
    const renamed = { ...entry(8), actor: { id: USER_A.id, displayName: 'Mallory' } }
    await applyInbound(t.ctx, frame(USER_A, { type: 'activity_added', entry: renamed }))
    expect((await listActivity(t.ctx, IDEA_ID))[0]?.actor).toEqual(USER_A)
  })
})
