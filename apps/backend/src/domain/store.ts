import { asBool, asDate, asDateOrNull, type Sql } from '../db/sql.js'
import type {
  Comment as CommentRow,
  Idea as IdeaRow,
  Notification as NotificationRow,
  Outbox as OutboxRow,
} from '../generated/prisma/client.js'

/**
 * The statements of the collaboration hot path (a comment written or received, its notification, its
 * outbox and inbox rows), one text for both databases. Everything else goes through Prisma.
 */

type Raw = Record<string, unknown>

function ideaRow(r: Raw): IdeaRow {
  return {
    id: String(r.id),
    ownerId: String(r.ownerId),
    ownerName: String(r.ownerName),
    symbol: String(r.symbol),
    strategy: String(r.strategy),
    status: String(r.status),
    tags: String(r.tags),
    notes: String(r.notes),
    entryPrice: numberOrNull(r.entryPrice),
    targetPrice: numberOrNull(r.targetPrice),
    stopPrice: numberOrNull(r.stopPrice),
    legs: r.legs === null || r.legs === undefined ? '[]' : String(r.legs),
    version: Number(r.version),
    createdAt: asDate(r.createdAt),
    updatedAt: asDate(r.updatedAt),
  }
}

function numberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v)
}

function commentRow(r: Raw): CommentRow {
  return {
    id: String(r.id),
    ideaId: String(r.ideaId),
    authorId: String(r.authorId),
    authorName: String(r.authorName),
    body: String(r.body),
    createdAt: asDate(r.createdAt),
    pending: asBool(r.pending),
    signature: r.signature === null || r.signature === undefined ? null : String(r.signature),
  }
}

export async function findIdea(q: Sql, id: string): Promise<IdeaRow | null> {
  const r = await q.get<Raw>('SELECT * FROM "Idea" WHERE "id" = ?', id)
  return r === undefined ? null : ideaRow(r)
}

/** Who an idea of mine is shared with. */
export async function sharees(q: Sql, ideaId: string): Promise<string[]> {
  const rows = await q.all<{ userId: string }>('SELECT "userId" FROM "Share" WHERE "ideaId" = ?', ideaId)
  return rows.map((r) => r.userId)
}

export async function isSharedWith(q: Sql, ideaId: string, userId: string): Promise<boolean> {
  const r = await q.get('SELECT 1 AS "one" FROM "Share" WHERE "ideaId" = ? AND "userId" = ?', ideaId, userId)
  return r !== undefined
}

export async function hasTombstone(q: Sql, ideaId: string): Promise<boolean> {
  return (await q.get('SELECT 1 AS "one" FROM "Tombstone" WHERE "ideaId" = ?', ideaId)) !== undefined
}

export async function findComment(q: Sql, id: string): Promise<CommentRow | null> {
  const r = await q.get<Raw>('SELECT * FROM "Comment" WHERE "id" = ?', id)
  return r === undefined ? null : commentRow(r)
}

export async function insertComment(q: Sql, c: CommentRow): Promise<CommentRow> {
  await q.run(
    'INSERT INTO "Comment" ("id", "ideaId", "authorId", "authorName", "body", "createdAt", "pending", "signature") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    c.id,
    c.ideaId,
    c.authorId,
    c.authorName,
    c.body,
    c.createdAt,
    c.pending,
    c.signature,
  )
  return c
}

/** The owner has stored it: no longer pending. */
export async function confirmComment(q: Sql, c: CommentRow): Promise<CommentRow> {
  await q.run('UPDATE "Comment" SET "pending" = ? WHERE "id" = ?', false, c.id)
  return { ...c, pending: false }
}

export async function insertNotification(q: Sql, n: NotificationRow): Promise<NotificationRow> {
  await q.run(
    'INSERT INTO "Notification" ("id", "kind", "text", "ideaId", "createdAt", "readAt") VALUES (?, ?, ?, ?, ?, ?)',
    n.id,
    n.kind,
    n.text,
    n.ideaId,
    n.createdAt,
    n.readAt,
  )
  return n
}

export type NewOutboxRow = {
  eventId: string
  recipientId: string
  type: string
  ideaId: string | null
  payload: string
  createdAt: Date
}

export async function insertOutbox(q: Sql, rows: readonly NewOutboxRow[]): Promise<void> {
  for (const r of rows) {
    await q.run(
      'INSERT INTO "Outbox" ("eventId", "recipientId", "type", "ideaId", "payload", "createdAt", "attempts", "nextAttemptAt") VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
      r.eventId,
      r.recipientId,
      r.type,
      r.ideaId,
      r.payload,
      r.createdAt,
      r.createdAt,
    )
  }
}

/** Records a received event; false when it was recorded before (a duplicate), and nothing is written. */
export async function recordInbox(
  q: Sql,
  r: { eventId: string; fromId: string; type: string; outcome: string },
): Promise<boolean> {
  const n = await q.run(
    'INSERT INTO "Inbox" ("fromId", "eventId", "type", "outcome", "receivedAt") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    r.fromId,
    r.eventId,
    r.type,
    r.outcome,
    new Date(),
  )
  return n > 0
}

export async function setInboxOutcome(
  q: Sql,
  fromId: string,
  eventId: string,
  outcome: string,
): Promise<void> {
  await q.run(
    'UPDATE "Inbox" SET "outcome" = ? WHERE "fromId" = ? AND "eventId" = ?',
    outcome,
    fromId,
    eventId,
  )
}

/** A friend's own signed display name, if they are one. */
export async function friendName(q: Sql, userId: string): Promise<string | undefined> {
  const r = await q.get<{ displayName: string }>(
    'SELECT "displayName" FROM "Friend" WHERE "userId" = ?',
    userId,
  )
  return r?.displayName
}

/** The signing key pinned for a user, if any. */
export async function pinnedSignKey(q: Sql, userId: string): Promise<string | null> {
  const r = await q.get<{ signKey: string }>('SELECT "signKey" FROM "PeerKey" WHERE "userId" = ?', userId)
  return r?.signKey ?? null
}

// ---- the dispatcher's outbox reads and marks -------------------------------------------------

function outboxRow(r: Raw): OutboxRow {
  return {
    seq: Number(r.seq),
    eventId: String(r.eventId),
    recipientId: String(r.recipientId),
    type: String(r.type),
    ideaId: r.ideaId === null || r.ideaId === undefined ? null : String(r.ideaId),
    payload: String(r.payload),
    createdAt: asDate(r.createdAt),
    attempts: Number(r.attempts),
    nextAttemptAt: asDate(r.nextAttemptAt),
    lastSentAt: asDateOrNull(r.lastSentAt),
    ackedAt: asDateOrNull(r.ackedAt),
  }
}

/**
 * Unacked rows due by `now`, oldest first, at most `limit`, leaving out `skip` (rows in flight or
 * waiting for keys): read a page at a time after the last seq seen, so skipped rows never crowd out
 * due ones.
 */
export async function dueOutbox(
  q: Sql,
  now: Date,
  skip: ReadonlySet<number>,
  limit: number,
): Promise<OutboxRow[]> {
  const out: OutboxRow[] = []
  let after = -1
  for (;;) {
    const page = await q.all<Raw>(
      'SELECT * FROM "Outbox" WHERE "ackedAt" IS NULL AND "nextAttemptAt" <= ? AND "seq" > ? ORDER BY "seq" LIMIT ?',
      now,
      after,
      limit,
    )
    for (const r of page) {
      const row = outboxRow(r)
      after = row.seq
      if (!skip.has(row.seq)) out.push(row)
      if (out.length === limit) return out
    }
    if (page.length < limit) return out
  }
}

/**
 * Event ids of unacked rows of `types` for the same idea and recipient written before row `seq`: a
 * share-changing event waits for every earlier one, wherever it is (in flight, parked, due later).
 */
export async function earlierUnacked(
  q: Sql,
  row: { seq: number; ideaId: string; recipientId: string },
  types: readonly string[],
): Promise<string[]> {
  const rows = await q.all<Raw>(
    `SELECT "eventId" FROM "Outbox" WHERE "ackedAt" IS NULL AND "recipientId" = ? AND "ideaId" = ? AND "seq" < ? AND "type" IN (${types.map(() => '?').join(', ')}) ORDER BY "seq"`,
    row.recipientId,
    row.ideaId,
    row.seq,
    ...types,
  )
  return rows.map((r) => String(r.eventId))
}

/** When the earliest parked row is due again, if any. */
export async function nextParkedAt(q: Sql, now: Date): Promise<Date | null> {
  const r = await q.get<Raw>(
    'SELECT "nextAttemptAt" FROM "Outbox" WHERE "ackedAt" IS NULL AND "nextAttemptAt" > ? ORDER BY "nextAttemptAt" LIMIT 1',
    now,
  )
  return r === undefined ? null : asDate(r.nextAttemptAt)
}

/** Marks acked rows; the number of rows it changed. */
export async function markAcked(
  q: Sql,
  acks: ReadonlyArray<{ id: string; by: string }>,
  at: Date,
): Promise<number> {
  let n = 0
  for (const a of acks) {
    n += await q.run(
      'UPDATE "Outbox" SET "ackedAt" = ? WHERE "eventId" = ? AND "recipientId" = ? AND "ackedAt" IS NULL',
      at,
      a.id,
      a.by,
    )
  }
  return n
}

/** Rows whose recipient is offline: tried again at `retryAt` (or when it comes online). */
export async function markParked(
  q: Sql,
  rows: ReadonlyArray<{ id: string; to: string }>,
  now: Date,
  retryAt: Date,
): Promise<void> {
  for (const p of rows) {
    await q.run(
      'UPDATE "Outbox" SET "nextAttemptAt" = ?, "attempts" = "attempts" + 1, "lastSentAt" = ? WHERE "eventId" = ? AND "recipientId" = ? AND "ackedAt" IS NULL',
      retryAt,
      now,
      p.id,
      p.to,
    )
  }
}
