/**
 * Scenario 6 worker (its own process, pinned like a server): the backend's outbox/inbox writes through
 * the backend's own Prisma client and database opener, and the same statements on raw better-sqlite3
 * with the same pragmas (WAL, synchronous=FULL, foreign keys) and the same migrated schema.
 * Prints one JSON line with the results.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '@pp/backend/db/client'
import { applyMigrations } from '@pp/backend/db/migrate'
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
import Database from 'better-sqlite3'
import * as hdr from 'hdr-histogram-js'
import { uuidv7 } from 'uuidv7'

const ME = '00000000-0000-0000-0000-000000000001'
const PEER = '00000000-0000-0000-0000-000000000002'
const OWN_IDEA = uuidv7()
const RECEIVED_IDEA = uuidv7()

export interface OpResult {
  opsPerSec: number
  p50: number
  p99: number
}

type Op = (i: number) => Promise<void> | void
interface Side {
  postComment: Op
  ack: Op
  applyInbound: Op
  close(): Promise<void> | void
}

function ideaRow(id: string, ownerId: string) {
  const now = new Date()
  return {
    id,
    ownerId,
    ownerName: 'User',
    symbol: 'AAPL',
    strategy: 'Covered Call',
    status: 'Planned',
    tags: '["bench"]',
    notes: '',
    version: 1,
    createdAt: now,
    updatedAt: now,
  }
}

const EVENT = (commentId: string, ideaId: string) =>
  JSON.stringify({
    type: 'comment_added',
    comment: {
      id: commentId,
      ideaId,
      author: { id: ME, displayName: 'User A' },
      body: 'benchmark comment body of a typical length, a sentence or two about the position',
      createdAt: new Date().toISOString(),
    },
  })

async function prismaSide(path: string): Promise<Side & { eventIds: string[] }> {
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
/** The backend's hot path logs at info; silenced here as on both other sides. */
const silent = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  child: () => silent,
} as unknown as Ctx['log']

async function backendSide(path: string): Promise<Side> {
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

function rawSide(path: string): Side {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 5000')
  applyMigrations(db)
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  const insertIdea = db.prepare(
    'INSERT INTO "Idea" (id, ownerId, ownerName, symbol, strategy, status, tags, notes, version, createdAt, updatedAt) VALUES (@id, @ownerId, @ownerName, @symbol, @strategy, @status, @tags, @notes, @version, @createdAt, @updatedAt)',
  )
  for (const [id, owner] of [
    [OWN_IDEA, ME],
    [RECEIVED_IDEA, PEER],
  ] as const) {
    const r = ideaRow(id, owner)
    insertIdea.run({ ...r, createdAt: r.createdAt.getTime(), updatedAt: r.updatedAt.getTime() })
  }
  db.prepare('INSERT INTO "Share" (ideaId, userId, createdAt) VALUES (?, ?, ?)').run(
    OWN_IDEA,
    PEER,
    Date.now(),
  )
  const findIdea = db.prepare('SELECT * FROM "Idea" WHERE id = ? LIMIT 1')
  const insertComment = db.prepare(
    'INSERT INTO "Comment" (id, ideaId, authorId, authorName, body, createdAt, pending) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const findShares = db.prepare('SELECT userId FROM "Share" WHERE ideaId = ?')
  const insertOutbox = db.prepare(
    'INSERT INTO "Outbox" (eventId, recipientId, type, ideaId, payload, createdAt, attempts, nextAttemptAt) VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
  )
  const ackOutbox = db.prepare(
    'UPDATE "Outbox" SET ackedAt = ? WHERE eventId = ? AND recipientId = ? AND ackedAt IS NULL',
  )
  const findInbox = db.prepare('SELECT * FROM "Inbox" WHERE fromId = ? AND eventId = ? LIMIT 1')
  const findComment = db.prepare('SELECT * FROM "Comment" WHERE id = ? LIMIT 1')
  const insertNotification = db.prepare(
    'INSERT INTO "Notification" (id, kind, text, ideaId, createdAt) VALUES (?, ?, ?, ?, ?)',
  )
  const insertInbox = db.prepare(
    'INSERT INTO "Inbox" (eventId, fromId, type, outcome, receivedAt) VALUES (?, ?, ?, ?, ?)',
  )
  const eventIds: string[] = []
  const author = generateKeys()
  const post = db.transaction(() => {
    findIdea.get(OWN_IDEA)
    const id = uuidv7()
    const now = Date.now()
    // Signed by its author, as every comment is.
    const me = { id: ME, displayName: 'User A' }
    signComment(author, {
      id,
      ideaId: OWN_IDEA,
      author: me,
      body: 'benchmark comment',
      createdAt: new Date(now).toISOString(),
    })
    insertComment.run(id, OWN_IDEA, ME, 'User A', 'benchmark comment', now, 0)
    const to = findShares.all(OWN_IDEA) as { userId: string }[]
    const eventId = uuidv7()
    eventIds.push(eventId)
    for (const s of to)
      insertOutbox.run(eventId, s.userId, 'comment_added', OWN_IDEA, EVENT(id, OWN_IDEA), now, now)
  })
  const apply = db.transaction(() => {
    const eventId = uuidv7()
    const commentId = uuidv7()
    if (findInbox.get(PEER, eventId) !== undefined) return
    findIdea.get(RECEIVED_IDEA)
    const now = Date.now()
    if (findComment.get(commentId) === undefined) {
      insertComment.run(commentId, RECEIVED_IDEA, PEER, 'User B', 'benchmark comment', now, 0)
    }
    insertNotification.run(uuidv7(), 'comment', 'User B commented on AAPL', RECEIVED_IDEA, now)
    insertInbox.run(eventId, PEER, 'comment_added', 'applied', now)
  })
  return {
    postComment: () => post(),
    ack: (i) => {
      ackOutbox.run(Date.now(), eventIds[i] ?? '', PEER)
    },
    applyInbound: () => apply(),
    close: () => {
      db.close()
    },
  }
}

async function measure(op: Op, n: number): Promise<OpResult> {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  })
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const s = performance.now()
    await op(i)
    h.recordValue(Math.max(1, Math.round((performance.now() - s) * 1000)))
  }
  const ms = performance.now() - t0
  return { opsPerSec: (n / ms) * 1000, p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99) }
}

async function main(): Promise<void> {
  const which = process.argv[2] === 'raw' || process.argv[2] === 'backend' ? process.argv[2] : 'prisma'
  const n = Number(process.argv[3] ?? 500)
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-db-'))
  try {
    const path = join(dir, 'bench.db')
    const side =
      which === 'raw' ? rawSide(path) : which === 'backend' ? await backendSide(path) : await prismaSide(path)
    // warm-up
    for (let i = 0; i < 50; i++) await side.applyInbound(i)
    const postComment = await measure(side.postComment, n)
    const ack = await measure(side.ack, n)
    const applyInbound = await measure(side.applyInbound, n)
    await side.close()
    process.stdout.write(`${JSON.stringify({ which, n, postComment, ack, applyInbound })}\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

function peerNames(): PeerNames {
  const names = new PeerNames()
  names.signed(PEER, 'User B')
  return names
}
