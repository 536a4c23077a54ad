import { openDatabase } from '@pp/backend/db/client'
import { uuidv7 } from 'uuidv7'
import { EVENT, ideaRow, ME, OWN_IDEA, PEER, RECEIVED_IDEA, type Side } from './side.js'

/** Prisma: the outbox/inbox writes through the backend's own Prisma client and database opener. */
export async function prismaSide(path: string): Promise<Side & { eventIds: string[] }> {
  const { db } = await openDatabase(path)
  await db.idea.create({ data: ideaRow(OWN_IDEA, ME) })
  await db.idea.create({ data: ideaRow(RECEIVED_IDEA, PEER) })
  await db.share.create({ data: { ideaId: OWN_IDEA, userId: PEER } })
  const eventIds: string[] = []
  return {
    eventIds,
    // POST /ideas/:id/comments on my own idea: the comment and one outbox row per sharee, one transaction.
    postComment: async () => {
      await db.$transaction(async (tx) => {
        await tx.idea.findUnique({ where: { id: OWN_IDEA } })
        const id = uuidv7()
        await tx.comment.create({
          data: {
            id,
            ideaId: OWN_IDEA,
            authorId: ME,
            authorName: 'User A',
            body: 'benchmark comment',
            createdAt: new Date(),
            pending: false,
          },
        })
        const to = (await tx.share.findMany({ where: { ideaId: OWN_IDEA }, select: { userId: true } })).map(
          (s) => s.userId,
        )
        const eventId = uuidv7()
        eventIds.push(eventId)
        const now = new Date()
        await tx.outbox.createMany({
          data: to.map((recipientId) => ({
            eventId,
            recipientId,
            type: 'comment_added',
            ideaId: OWN_IDEA,
            payload: EVENT(id, OWN_IDEA),
            createdAt: now,
            nextAttemptAt: now,
          })),
        })
      })
    },
    // The relay's `ack {id, by}`: mark the outbox row.
    ack: async (i) => {
      await db.outbox.updateMany({
        where: { eventId: eventIds[i] ?? '', recipientId: PEER, ackedAt: null },
        data: { ackedAt: new Date() },
      })
    },
    // A received comment_added: inbox check, idea check, comment, notification, inbox row; one transaction.
    applyInbound: async () => {
      const eventId = uuidv7()
      const commentId = uuidv7()
      await db.$transaction(async (tx) => {
        const seen = await tx.inbox.findUnique({ where: { fromId_eventId: { fromId: PEER, eventId } } })
        if (seen !== null) return
        await tx.idea.findUnique({ where: { id: RECEIVED_IDEA } })
        const existing = await tx.comment.findUnique({ where: { id: commentId } })
        if (existing === null) {
          await tx.comment.create({
            data: {
              id: commentId,
              ideaId: RECEIVED_IDEA,
              authorId: PEER,
              authorName: 'User B',
              body: 'benchmark comment',
              createdAt: new Date(),
              pending: false,
            },
          })
        }
        await tx.notification.create({
          data: {
            id: uuidv7(),
            kind: 'comment',
            text: 'User B commented on AAPL',
            ideaId: RECEIVED_IDEA,
            createdAt: new Date(),
          },
        })
        await tx.inbox.create({ data: { eventId, fromId: PEER, type: 'comment_added', outcome: 'applied' } })
      })
    },
    close: () => db.$disconnect(),
  }
}

/**
 * The backend's own hot path, as the running backend performs it: `postComment` (signed by its author),
 * the dispatcher's ack mark and `applyInbound` of a received comment_added, each through the group
 * committer on the backend's prepared statements.
 */
