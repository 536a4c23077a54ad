/**
 * The floor of the backend ladder: one user's backend doing the comment path and nothing else, by hand.
 * A REST comment is signed, written with its outbox row (the backend's schema and statements, prepared
 * on raw better-sqlite3, WAL + synchronous=FULL) in the same group commit the backend uses, answered
 * 201 after the commit and sent sealed to the relay; a received comment is opened and checked, written
 * with its inbox row and notification in a group commit, acked and pushed to the browser's socket.io as
 * `comment:upserted`; an ack marks the outbox row. No Fastify, no Prisma, no validation beyond parsing,
 * no logging, no metrics: what any Node backend on this schema pays at least.
 *
 * env: PORT, DB, ME, ME_NAME, PEER, IDEA_ID, OWNER (1 when ME owns the idea), RELAY_URL, RELAY_TOKEN,
 * API_TOKEN, KEYS_DIR (public keys are swapped through files there).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { applyMigrations } from '@pp/backend/db/migrate'
import type { PublicKeys, SignedComment } from '@pp/contracts'
import { generateKeys, Sealer, signComment, verifyComment } from '@pp/contracts/sealing'
import Database from 'better-sqlite3'
import { Server as IoServer } from 'socket.io'
import { uuidv7 } from 'uuidv7'
import WebSocket from 'ws'

const env = (k: string): string => {
  const v = process.env[k]
  if (v === undefined) throw new Error(`${k} is required`)
  return v
}
const ME = env('ME')
const ME_NAME = env('ME_NAME')
const PEER = env('PEER')
const IDEA_ID = env('IDEA_ID')
const OWNER = process.env.OWNER === '1'
const API_AUTH = `Bearer ${env('API_TOKEN')}`

const iso = (d: Date) => d.toISOString().replace('Z', '+00:00')

// ---- storage: the backend's schema and pragmas ----------------------------------------------------
const db = new Database(env('DB'))
db.pragma('journal_mode = WAL')
db.pragma('busy_timeout = 5000')
applyMigrations(db)
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
const now0 = iso(new Date())
db.prepare(
  'INSERT OR IGNORE INTO "Idea" ("id", "ownerId", "ownerName", "symbol", "strategy", "status", "tags", "notes", "version", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
).run(IDEA_ID, OWNER ? ME : PEER, 'Owner', 'AAPL', 'Covered Call', 'Planned', '["bench"]', '', now0, now0)
if (OWNER) {
  db.prepare('INSERT OR IGNORE INTO "Share" ("ideaId", "userId", "createdAt") VALUES (?, ?, ?)').run(
    IDEA_ID,
    PEER,
    now0,
  )
}
const st = {
  begin: db.prepare('BEGIN IMMEDIATE'),
  commit: db.prepare('COMMIT'),
  idea: db.prepare('SELECT * FROM "Idea" WHERE "id" = ?'),
  sharees: db.prepare('SELECT "userId" FROM "Share" WHERE "ideaId" = ?'),
  comment: db.prepare(
    'INSERT INTO "Comment" ("id", "ideaId", "authorId", "authorName", "body", "createdAt", "pending", "signature") VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
  ),
  findComment: db.prepare('SELECT * FROM "Comment" WHERE "id" = ?'),
  outbox: db.prepare(
    'INSERT INTO "Outbox" ("eventId", "recipientId", "type", "ideaId", "payload", "createdAt", "attempts", "nextAttemptAt") VALUES (?, ?, ?, ?, ?, ?, 0, ?)',
  ),
  ack: db.prepare(
    'UPDATE "Outbox" SET "ackedAt" = ? WHERE "eventId" = ? AND "recipientId" = ? AND "ackedAt" IS NULL',
  ),
  inbox: db.prepare(
    'INSERT INTO "Inbox" ("fromId", "eventId", "type", "outcome", "receivedAt") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  ),
  notification: db.prepare(
    'INSERT INTO "Notification" ("id", "kind", "text", "ideaId", "createdAt", "readAt") VALUES (?, ?, ?, ?, ?, NULL)',
  ),
}

// ---- group commit, as the backend's: what is submitted while a commit runs goes in the next ------------
type Job = { work: () => void; after: () => void }
let queue: Job[] = []
let scheduled = false
function submit(work: () => void, after: () => void): void {
  queue.push({ work, after })
  if (scheduled) return
  scheduled = true
  setImmediate(() => {
    scheduled = false
    const group = queue
    queue = []
    st.begin.run()
    for (const j of group) j.work()
    st.commit.run()
    for (const j of group) j.after()
  })
}

// ---- keys: mine written for the peer, the peer's read --------------------------------------------------
const keys = generateKeys()
const keysDir = env('KEYS_DIR')
writeFileSync(join(keysDir, `${ME}.json`), JSON.stringify(keys.public))
const sealer = new Sealer(ME, keys)
async function peerKeys(): Promise<PublicKeys> {
  const file = join(keysDir, `${PEER}.json`)
  for (let i = 0; i < 400 && !existsSync(file); i++) await sleep(50)
  return JSON.parse(readFileSync(file, 'utf8')) as PublicKeys
}
const peer = { id: PEER, keys: await peerKeys() }

// ---- the relay link ------------------------------------------------------------------------------------
const ws = new WebSocket(`${env('RELAY_URL').replace(/^http/, 'ws')}/v1/backends`, {
  headers: { authorization: `Bearer ${env('RELAY_TOKEN')}` },
  perMessageDeflate: false,
})
let up = false
ws.on('message', (data) => {
  let frame: Frame
  try {
    frame = JSON.parse(String(data))
  } catch {
    return
  }
  onFrame(frame)
})

type Frame = { type: string; id: string; by?: string; from?: { id: string }; event?: unknown }

function onFrame(frame: Frame): void {
  if (frame.type === 'welcome') up = true
  else if (frame.type === 'ack') {
    const at = iso(new Date())
    submit(
      () => st.ack.run(at, frame.id, frame.by ?? ''),
      () => {},
    )
  } else if (frame.type === 'event' && frame.from !== undefined) onEvent(frame.id, frame.from.id, frame.event)
}

function onEvent(id: string, fromId: string, wire: unknown): void {
  if (fromId !== PEER) return
  const opened = sealer.open(peer, id, wire as Parameters<Sealer['open']>[2])
  if (!opened.ok || opened.event.type !== 'comment_added') return
  const c: SignedComment = opened.event.comment
  const idea = st.idea.get(c.ideaId) as { ownerId: string } | undefined
  if (idea === undefined) return
  // As the backend: the owner's own comment is vouched for by its signed event.
  const vouched = idea.ownerId === fromId && c.author.id === fromId && idea.ownerId !== ME
  if (!vouched && !verifyComment(c.authorKey, c)) return
  const at = iso(new Date())
  let fresh = false
  submit(
    () => {
      fresh = st.inbox.run(fromId, id, 'comment_added', 'applied', at).changes > 0
      if (!fresh || st.findComment.get(c.id) !== undefined) return
      st.comment.run(
        c.id,
        c.ideaId,
        c.author.id,
        c.author.displayName,
        c.body,
        iso(new Date(c.createdAt)),
        c.signature,
      )
      st.notification.run(
        uuidv7(),
        'comment_added',
        `${c.author.displayName} commented on AAPL`,
        c.ideaId,
        at,
      )
    },
    () => {
      ws.send(JSON.stringify({ type: 'ack', id, to: fromId }))
      if (fresh) {
        const { signature: _s, authorKey: _k, ...comment } = c
        io.emit('comment:upserted', { ...comment, pending: false })
      }
    },
  )
}

// ---- REST and the browser channel ----------------------------------------------------------------------
const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ connected: up }))
    return
  }
  const m = /^\/api\/v1\/ideas\/([^/]+)\/comments$/.exec(req.url ?? '')
  if (req.method !== 'POST' || m === null || req.headers.authorization !== API_AUTH) {
    res.writeHead(404).end()
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (d: Buffer) => {
    size += d.length
    if (size <= 64 * 1024) chunks.push(d)
  })
  req.on('end', () => {
    const ideaId = m[1] ?? ''
    let body: unknown
    try {
      body = (JSON.parse(Buffer.concat(chunks).toString()) as { body?: unknown }).body
    } catch {}
    if (size > 64 * 1024 || typeof body !== 'string') {
      res.writeHead(400).end()
      return
    }
    if (st.idea.get(ideaId) === undefined) {
      res.writeHead(404).end()
      return
    }
    const unsigned = {
      id: uuidv7(),
      ideaId,
      author: { id: ME, displayName: ME_NAME },
      body,
      createdAt: new Date().toISOString(),
    }
    const comment: SignedComment = {
      ...unsigned,
      signature: signComment(keys, unsigned),
      authorKey: keys.public.sign,
    }
    const eventId = uuidv7()
    const payload = JSON.stringify({ type: 'comment_added', comment })
    const at = iso(new Date())
    submit(
      () => {
        st.comment.run(
          comment.id,
          ideaId,
          ME,
          ME_NAME,
          body,
          iso(new Date(unsigned.createdAt)),
          comment.signature,
        )
        for (const s of st.sharees.all(ideaId) as { userId: string }[]) {
          st.outbox.run(eventId, s.userId, 'comment_added', ideaId, payload, at, at)
        }
      },
      () => {
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ...unsigned, pending: false }))
        const event = sealer.sealJson(peer, eventId, 'comment_added', payload)
        ws.send(JSON.stringify({ type: 'send', id: eventId, to: [PEER], event }))
      },
    )
  })
})
const io = new IoServer(server, { serveClient: false, transports: ['websocket'] })
io.use((socket, next) => {
  next(socket.handshake.headers.authorization === API_AUTH ? undefined : new Error('unauthorized'))
})
server.listen(Number(env('PORT')), '127.0.0.1')
process.on('SIGTERM', () => {
  ws.close()
  io.close()
  db.close()
  process.exit(0)
})
