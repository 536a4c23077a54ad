import { openDatabase } from '@pp/backend/db/client'
import {
  applyInbound,
  type Ctx,
  GroupCommitter,
  inTx,
  KeyRing,
  markAcked,
  PeerNames,
  postComment,
  sqlOf,
} from '@pp/backend/domain'
import { generateKeys, signComment } from '@pp/contracts/sealing'
import { uuidv7 } from 'uuidv7'
import { ideaRow, ME, OWN_IDEA, PEER, RECEIVED_IDEA, type Side } from './side.js'

/** The backend's hot path logs at info; silenced here as on both other sides. */
const silent = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  child: () => silent,
} as unknown as Ctx['log']

export async function backendSide(path: string): Promise<Side> {
  const { db } = await openDatabase(path)
  const me = { id: ME, displayName: 'User A' }
  const keys = new KeyRing(ME, generateKeys(), db)
  const peerKeys = generateKeys()
  await db.peerKey.create({
    data: { userId: PEER, signKey: peerKeys.public.sign, boxKey: peerKeys.public.box, source: 'hello' },
  })
  await db.friend.create({ data: { userId: PEER, displayName: 'User B', status: 'accepted' } })
  await db.idea.create({ data: ideaRow(OWN_IDEA, ME) })
  await db.idea.create({ data: ideaRow(RECEIVED_IDEA, PEER) })
  await db.share.create({ data: { ideaId: OWN_IDEA, userId: PEER } })
  const ctx: Ctx = {
    db,
    me,
    log: silent,
    sink: { publish: () => {} },
    isOnline: () => true,
    names: peerNames(),
    keys,
  }
  ctx.commits = new GroupCommitter(db, () => {})
  const acks: string[] = []
  return {
    postComment: async () => {
      await postComment(ctx, OWN_IDEA, 'benchmark comment')
    },
    ack: async (i) => {
      // The rows the comments wrote, read once before the first ack (the dispatcher holds them in memory).
      if (acks.length === 0) {
        const rows = await db.outbox.findMany({ orderBy: { seq: 'asc' }, select: { eventId: true } })
        acks.push(...rows.map((r) => r.eventId))
      }
      await inTx(ctx, (tx) => markAcked(sqlOf(tx), [{ id: acks[i] ?? '', by: PEER }], new Date()))
    },
    applyInbound: async () => {
      const unsigned = {
        id: uuidv7(),
        ideaId: RECEIVED_IDEA,
        author: { id: PEER, displayName: 'User B' },
        body: 'benchmark comment',
        createdAt: new Date().toISOString(),
      }
      const comment = {
        ...unsigned,
        signature: signComment(peerKeys, unsigned),
        authorKey: peerKeys.public.sign,
      }
      await applyInbound(ctx, {
        id: uuidv7(),
        from: { id: PEER, displayName: 'User B' },
        event: { type: 'comment_added', comment },
      })
    },
    close: () => db.$disconnect(),
  }
}

function peerNames(): PeerNames {
  const names = new PeerNames()
  names.signed(PEER, 'User B')
  return names
}
