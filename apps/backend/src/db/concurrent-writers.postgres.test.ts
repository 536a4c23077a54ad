import { join } from 'node:path'
import type { CommentResponse, IdeaResponse, UserRef } from '@pp/contracts'
import pg from 'pg'
import { uuidv7 } from 'uuidv7'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackendApp } from '../app.js'
import { applyInbound, type InboundEvent, type InboundOutcome } from '../domain/inbound.js'
import { inTx } from '../domain/tx.js'
import { frame, pinKeys } from '../test-support/ctx.js'
import { testPostgresUrl } from '../test-support/database.js'
import { waitFor } from '../test-support/processes.js'
import { AUTH_HEADER, localBackend, tempDir, USER_A } from '../test-support/temp.js'

// Postgres only: two backends' worth of writers (two app instances of User A, each with its own pool of
// 3 connections, on one database) take a burst of inbound events, every one of them delivered to both,
// while REST writes land on both. SERIALIZABLE transactions and their retries must keep the outbox/inbox
// guarantees exactly as SQLite's one writer at a time does.

const SENDERS: UserRef[] = ['B', 'C', 'D'].map((n, i) => ({
  id: `00000000-0000-0000-0000-0000000000b${i}`,
  displayName: `User ${n}`,
}))
const STRANGERS: UserRef[] = ['E', 'F', 'G', 'H'].map((n, i) => ({
  id: `00000000-0000-0000-0000-0000000000e${i}`,
  displayName: `User ${n}`,
}))
const COMMENTS_PER_SENDER = 12
const REST_WRITES = 8

describe('concurrent writers on PostgreSQL', () => {
  const t = tempDir()
  const dbPath = join(t.dir, 'a.db')
  let one: BackendApp
  let two: BackendApp
  let idea: IdeaResponse

  beforeAll(async () => {
    one = await localBackend(dbPath, { DATABASE_POOL_SIZE: '3' })
    two = await localBackend(dbPath, { DATABASE_POOL_SIZE: '3' })
    for (const s of SENDERS) {
      await one.db.friend.create({ data: { userId: s.id, displayName: s.displayName, status: 'accepted' } })
      // Their keys are pinned, as their hellos would have pinned them: their comments carry signatures.
      await pinKeys(one.db, s.id)
    }
    // Strangers' hellos came before their friend requests.
    for (const s of STRANGERS) await pinKeys(one.db, s.id)
    const created = await call(one, 'POST', '/ideas', { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    expect(created.statusCode, created.body).toBe(201)
    idea = created.json()
    await call(one, 'PUT', `/ideas/${idea.id}/shares`, { userIds: SENDERS.map((s) => s.id) })
    idea = (await call(one, 'GET', `/ideas/${idea.id}`)).json()
  })
  afterAll(async () => {
    await one?.app.close()
    await two?.app.close()
    t.cleanup()
  })

  it('applies every event exactly once and keeps every write it answered 2xx', async () => {
    const frames: InboundEvent[] = [
      ...SENDERS.flatMap((s) =>
        Array.from({ length: COMMENTS_PER_SENDER }, (_, i) =>
          frame(s, {
            type: 'comment_added',
            comment: {
              id: uuidv7(),
              ideaId: idea.id,
              author: s,
              body: `${s.displayName} #${i}`,
              createdAt: new Date(Date.UTC(2026, 11, 7, 12, 0, i)).toISOString(),
            },
          }),
        ),
      ),
      ...STRANGERS.map((s) => frame(s, { type: 'friend_request', user: s })),
    ]
    const apps = [one, two]
    // Every frame reaches both instances (a redelivery racing the first delivery), all at once, while
    // each instance also takes new ideas, comments and patches of the shared idea over REST.
    const inbound = Promise.all(
      frames.map((f) =>
        Promise.all(apps.map((b) => applyInbound(b.hub.ctx, f))).then((outcomes) => ({ f, outcomes })),
      ),
    )
    const rest = Promise.all(
      Array.from({ length: REST_WRITES }, (_, i) => {
        const b = apps[i % 2] ?? one
        return Promise.all([
          call(b, 'POST', '/ideas', { symbol: `S${i}`, strategy: 'Stock', status: 'Planned' }),
          call(b, 'POST', `/ideas/${idea.id}/comments`, { body: `mine #${i}` }),
          call(b, 'PATCH', `/ideas/${idea.id}`, { notes: `patch #${i}` }),
        ])
      }),
    )
    const [delivered, written] = await Promise.all([inbound, rest])

    // Inbound: one instance applied each event, the other saw a duplicate; nothing failed or waited.
    for (const { outcomes } of delivered) {
      expect([...outcomes].sort()).toEqual<InboundOutcome[]>(['applied', 'duplicate'])
    }
    const db = one.db
    expect(await db.inbox.count()).toBe(frames.length)
    const received = SENDERS.length * COMMENTS_PER_SENDER
    expect(await db.comment.count({ where: { authorId: { not: USER_A.id } } })).toBe(received)
    expect(await db.notification.count({ where: { kind: 'comment_added' } })).toBe(received)
    expect(await db.notification.count({ where: { kind: 'friend_request' } })).toBe(STRANGERS.length)
    expect(await db.friend.count({ where: { status: 'incoming' } })).toBe(STRANGERS.length)
    // Each received comment is fanned out once to each sharee, in the transaction that stored it.
    const fanned = await db.outbox.groupBy({
      by: ['recipientId'],
      where: { type: 'comment_added' },
      _count: { _all: true },
    })
    expect(fanned.map((r) => r._count._all)).toEqual(SENDERS.map(() => received + REST_WRITES))

    // REST: every write answered 2xx, and every one of them is there.
    const ideas = written.map((w) => w[0])
    const comments = written.map((w) => w[1])
    const patches = written.map((w) => w[2])
    for (const r of written.flat()) expect(r.statusCode, r.body).toBeLessThan(300)
    const mine: IdeaResponse[] = (await call(two, 'GET', '/ideas')).json()
    expect(mine.map((i) => i.id).sort()).toEqual(
      [idea.id, ...ideas.map((r) => r.json<IdeaResponse>().id)].sort(),
    )
    const thread: CommentResponse[] = (await call(one, 'GET', `/ideas/${idea.id}/comments`)).json()
    for (const r of comments) expect(thread.map((c) => c.id)).toContain(r.json<CommentResponse>().id)
    expect(thread).toHaveLength(received + REST_WRITES)
    // No patch lost another's update: each answered a version of its own, and the last one is stored.
    const versions = patches.map((r) => r.json<IdeaResponse>().version)
    expect(new Set(versions).size).toBe(REST_WRITES)
    const stored = await db.idea.findUniqueOrThrow({ where: { id: idea.id } })
    expect(stored.version).toBe(idea.version + REST_WRITES)
    expect(Math.max(...versions)).toBe(stored.version)
  })

  it('runs a write again when it loses a serialization race to the other instance, and answers it 2xx', async () => {
    const before = await db(one).idea.findUniqueOrThrow({ where: { id: idea.id } })
    // Instance one has changed the idea and not committed yet, when instance two's patch reads it.
    let updated!: () => void
    const hasUpdated = new Promise<void>((r) => {
      updated = r
    })
    let commit!: () => void
    const mayCommit = new Promise<void>((r) => {
      commit = r
    })
    const first = inTx(one.hub.ctx, async (tx) => {
      await tx.idea.update({ where: { id: idea.id }, data: { notes: 'first', version: { increment: 1 } } })
      updated()
      await mayCommit
    })
    await hasUpdated
    const patch = call(two, 'PATCH', `/ideas/${idea.id}`, { notes: 'second' })
    // Two's update waits for one's row lock; when one commits, PostgreSQL aborts two's statement
    // (could not serialize access due to concurrent update).
    const watcher = new pg.Client({ connectionString: testPostgresUrl() })
    await watcher.connect()
    try {
      await waitFor(async () => {
        const { rows } = await watcher.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
        )
        return rows[0]?.n > 0
      }, 'the second instance waiting for the row')
    } finally {
      await watcher.end()
    }
    commit()
    await first
    const answer = await patch
    expect(answer.statusCode, answer.body).toBe(200)
    expect(answer.json<IdeaResponse>()).toMatchObject({ notes: 'second', version: before.version + 2 })
    expect(await db(one).idea.findUniqueOrThrow({ where: { id: idea.id } })).toMatchObject({
      notes: 'second',
      version: before.version + 2,
    })
  })
})

const db = (b: BackendApp) => b.db

function call(b: BackendApp, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: object) {
  return b.app.inject({
    method,
    url: `/api/v1${path}`,
    headers: AUTH_HEADER,
    ...(body === undefined ? {} : { payload: body }),
  })
}
