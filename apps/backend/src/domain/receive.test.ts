import type { EventFrame } from '@pp/contracts'
import { generateKeys, Sealer } from '@pp/contracts/sealing'
import { uuidv7 } from 'uuidv7'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testCtx, testKeys } from '../test-support/ctx.js'
import { USER_A, USER_B } from '../test-support/temp.js'
import { receive } from './receive.js'

const hello = (keys = testKeys(USER_B.id).public, reply = false, id = uuidv7()): EventFrame => ({
  type: 'event',
  id,
  from: USER_B,
  event: { type: 'hello', keys, reply },
})

/** A receives from B, whose keys it has never seen. */
describe('the receiving gate', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  beforeEach(async () => {
    t = await testCtx(USER_A, { pinned: false })
  })
  afterEach(() => t.close())

  const answers = () => t.db.outbox.count({ where: { recipientId: USER_B.id, type: 'hello' } })

  it('pins keys at the first hello and answers it once, however often it comes', async () => {
    expect(await receive(t.ctx, hello())).toMatchObject({ kind: 'hello', outcome: 'applied', ack: true })
    expect(await t.db.peerKey.findUnique({ where: { userId: USER_B.id } })).toMatchObject({
      signKey: testKeys(USER_B.id).public.sign,
      boxKey: testKeys(USER_B.id).public.box,
      source: 'hello',
    })
    for (let i = 0; i < 20; i++) await receive(t.ctx, hello())
    expect(await answers()).toBe(1)
    // An answer (reply: true) is never answered.
    await t.db.outbox.updateMany({ data: { ackedAt: new Date() } })
    await receive(t.ctx, hello(undefined, true))
    expect(await answers()).toBe(1)
  })

  it('refuses other keys for a pinned user, keeps them as offered, records nothing in the inbox', async () => {
    await receive(t.ctx, hello())
    const inbox = await t.db.inbox.count()
    const other = generateKeys().public
    expect(await receive(t.ctx, hello(other))).toMatchObject({
      kind: 'refused',
      reason: 'changed_keys',
      ack: false,
    })
    expect(await t.db.peerKey.findUnique({ where: { userId: USER_B.id } })).toMatchObject({
      signKey: testKeys(USER_B.id).public.sign,
      offeredSignKey: other.sign,
      offeredBoxKey: other.box,
    })
    expect(await t.db.inbox.count()).toBe(inbox)
  })

  it('refuses, unacked, a sealed event from someone without keys and asks them for theirs', async () => {
    const sealer = new Sealer(USER_B.id, testKeys(USER_B.id))
    const id = uuidv7()
    const event = sealer.seal({ id: USER_A.id, keys: testKeys(USER_A.id).public }, id, {
      type: 'share_revoked',
      ideaId: uuidv7(),
    })
    const frame: EventFrame = { type: 'event', id, from: USER_B, event }
    expect(await receive(t.ctx, frame)).toMatchObject({ kind: 'refused', reason: 'unknown_keys', ack: false })
    expect(await answers()).toBe(1)
    // Once B's hello is here the same event opens.
    await receive(t.ctx, hello())
    t.ctx.keys.forget(USER_B.id)
    expect(await receive(t.ctx, frame)).toMatchObject({
      kind: 'event',
      event: { id, event: { type: 'share_revoked' } },
    })
  })

  it('refuses a hello whose keys cannot be used, and pins nothing', async () => {
    const lowOrder = 'A'.repeat(43) // the all-zero X25519 point: no shared secret
    const r = await receive(t.ctx, hello({ sign: testKeys(USER_B.id).public.sign, box: lowOrder }))
    expect(r).toMatchObject({ kind: 'refused', reason: 'invalid_event' })
    expect(await t.db.peerKey.count()).toBe(0)
    expect(await answers()).toBe(0)
  })
})
