import type { EventFrame, HelloEvent, SealedEvent, ThreadActivity, UserRef } from '@pp/contracts'
import type { OpenRefusal } from '@pp/contracts/sealing'
import { learnKeys } from '../crypto/keyring.js'
import { Prisma } from '../generated/prisma/client.js'
import type { Ctx } from './context.js'
import type { InboundEvent } from './inbound.js'
import { enqueueHello } from './outbox.js'
import { inTx } from './tx.js'
import { unknownUserName } from './verified-names.js'

/** Why a received event was refused before anything in it was looked at. */
export type RefusalReason = OpenRefusal | 'unknown_keys' | 'changed_keys' | 'invalid_frame'

/**
 * What a received frame turned out to be:
 * - `event`: opened and verified, to be applied through the inbox;
 * - `typing`: opened and verified, for the browser only;
 * - `hello`: a peer's keys, handled here; `ack` says whether to ack it;
 * - `refused`: did not open or verify; `ack` only when the sender is proven and a retry cannot help.
 */
export type Received =
  | { kind: 'event'; event: InboundEvent }
  | { kind: 'typing'; from: UserRef; ideaId: string; userId?: string; activity?: ThreadActivity }
  | { kind: 'hello'; outcome: 'applied' | 'duplicate'; ack: true }
  | { kind: 'refused'; reason: RefusalReason; message: string; ack: boolean }

/**
 * The gate every received event passes: a `hello` pins keys; anything else must open with the keys
 * pinned for its relay-verified sender and carry that sender's signature. What does not is refused and
 * left unacked, so a tampered event is never applied and its genuine original, sent again by its
 * sender, still arrives. Nothing here trusts the relay beyond the sender's id.
 */
export async function receive(ctx: Ctx, frame: EventFrame): Promise<Received> {
  const wire = frame.event
  if (wire.type === 'hello') return onHello(ctx, frame.id, frame.from.id, wire)
  return open(ctx, frame.id, frame.from.id, wire)
}

async function open(ctx: Ctx, id: string, fromId: string, wire: SealedEvent): Promise<Received> {
  const keys = await ctx.keys.sealingKeys(fromId)
  if (keys === null) {
    // Their keys have not reached me (a friend from before sealed events, say): ask for them; the
    // event comes again, and opens, once they have.
    await askForKeys(ctx, fromId)
    return { kind: 'refused', reason: 'unknown_keys', message: 'no keys pinned for the sender', ack: false }
  }
  const opened = ctx.keys.sealer.open({ id: fromId, keys }, id, wire)
  if (!opened.ok) {
    // A well-sealed, well-signed event that is not a valid one is the sender's own mistake: acked, so
    // it stops. Anything that did not open or verify may not be from the sender at all: left unacked.
    return {
      kind: 'refused',
      reason: opened.reason,
      message: opened.message,
      ack: opened.reason === 'invalid_event',
    }
  }
  // For logs and typing only: applying an event names its sender again inside its transaction.
  const from = { id: fromId, displayName: ctx.names.get(fromId) ?? unknownUserName(fromId) }
  if (opened.event.type === 'typing') {
    const { ideaId, userId, activity } = opened.event
    return {
      kind: 'typing',
      from,
      ideaId,
      ...(userId === undefined ? {} : { userId }),
      ...(activity === undefined ? {} : { activity }),
    }
  }
  return { kind: 'event', event: { id, from, event: opened.event } }
}

/** My `hello` to someone whose keys I lack, unless one is already on its way. */
export async function askForKeys(ctx: Ctx, userId: string): Promise<void> {
  if (userId === ctx.me.id) return
  await inTx(ctx, async (tx, fx) => {
    const pending = await tx.outbox.findFirst({
      where: { recipientId: userId, type: 'hello', ackedAt: null },
      select: { seq: true },
    })
    if (pending !== null) return
    await enqueueHello(tx, userId, ctx.keys.publicKeys, false)
    fx.outbox = true
  })
}

async function onHello(ctx: Ctx, id: string, fromId: string, hello: HelloEvent): Promise<Received> {
  // Keys that cannot be used would break every seal for this peer: refused before they are pinned.
  if (!ctx.keys.sealer.usable(hello.keys)) {
    return { kind: 'refused', reason: 'invalid_event', message: 'the hello’s keys cannot be used', ack: true }
  }
  try {
    return await inTx(ctx, async (tx, fx) => {
      const learnt = await learnKeys(tx, fromId, hello.keys)
      fx.peers.add(fromId)
      if (learnt === 'changed') {
        // Kept as offered (the Friends page warns), refused until the user accepts it; no inbox row, so
        // the same hello applies when it comes again after that.
        fx.friends = true
        return {
          kind: 'refused',
          reason: 'changed_keys',
          message: 'keys differ from the ones pinned for this user',
          ack: false,
        } as const
      }
      await tx.inbox.create({ data: { eventId: id, fromId, type: 'hello', outcome: 'applied' } })
      // One answer on its way at a time: a peer repeating its hello cannot fill the outbox with answers.
      const answering =
        !hello.reply &&
        (await tx.outbox.findFirst({
          where: { recipientId: fromId, type: 'hello', ackedAt: null },
          select: { seq: true },
        })) === null
      if (answering) {
        await enqueueHello(tx, fromId, ctx.keys.publicKeys, true)
        fx.outbox = true
      }
      if (learnt === 'pinned') ctx.log.info({ peer: fromId }, 'Keys pinned for a new contact')
      return { kind: 'hello', outcome: 'applied', ack: true } as const
    })
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      return { kind: 'hello', outcome: 'duplicate', ack: true }
    }
    throw err
  }
}
