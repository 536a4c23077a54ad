import { applyMigrations } from '@pp/backend/db/migrate'
import { generateKeys, signComment } from '@pp/contracts/sealing'
import Database from 'better-sqlite3'
import { uuidv7 } from 'uuidv7'
import { EVENT, ideaRow, ME, OWN_IDEA, PEER, RECEIVED_IDEA, type Side } from './side.js'

/** Raw better-sqlite3: the same statements with the same pragmas and the same migrated schema. */
export function rawSide(path: string): Side {
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
