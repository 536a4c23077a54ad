import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testCtx } from '../test-support/ctx.js'
import { postComment } from './comments.js'
import { createIdea } from './ideas.js'
import { GroupCommitter, inTx } from './tx.js'

describe('group commit', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  let committer: GroupCommitter
  /** Comments another connection could read when each caller's effects were published. */
  const seenAtPublish: number[] = []
  let raw: Database.Database

  beforeEach(async () => {
    t = await testCtx()
    raw = new Database(join(t.dir, 'unit.db'), { readonly: true })
    committer = new GroupCommitter(t.db, (fx) => {
      seenAtPublish.push((raw.prepare('SELECT count(*) AS n FROM Comment').get() as { n: number }).n)
      t.ctx.sink.publish(fx)
    })
    t.ctx.commits = committer
  })
  afterEach(async () => {
    raw.close()
    seenAtPublish.length = 0
    await t.close()
  })

  it('commits concurrent writes together, and answers each only once it is on disk', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    seenAtPublish.length = 0
    const before = committer.groups.count
    const n = 60
    const comments = await Promise.all(
      Array.from({ length: n }, (_, i) => postComment(t.ctx, idea.id, `comment ${i}`)),
    )
    expect(comments).toHaveLength(n)
    // Fewer commits than writes: they were grouped.
    expect(committer.groups.count - before).toBeLessThan(n)
    expect(committer.groups.largest).toBeGreaterThan(1)
    // Every caller's effects went out after the commit that held its write was visible from outside.
    expect(seenAtPublish).toHaveLength(n)
    for (const [i, seen] of seenAtPublish.entries())
      expect(seen, `publish ${i}`).toBeGreaterThanOrEqual(i + 1)
    expect(await t.db.comment.count()).toBe(n)
    // In submission order.
    const rows = await t.db.comment.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })
    expect(rows.map((r) => r.body)).toEqual(comments.map((c) => c.body))
  })

  it('rolls back a failing transaction alone; the others in its group commit', async () => {
    const idea = await createIdea(t.ctx, { symbol: 'MSFT', strategy: 'Stock', status: 'Open' })
    const failing = inTx(t.ctx, async (tx) => {
      await tx.notification.create({
        data: { id: 'n-doomed', kind: 'comment_added', text: 'doomed', createdAt: new Date() },
      })
      throw new Error('this one fails after writing')
    })
    const duplicate = inTx(t.ctx, async (tx) => {
      await tx.inbox.create({ data: { eventId: 'e1', fromId: 'f', type: 'hello', outcome: 'applied' } })
      await tx.inbox.create({ data: { eventId: 'e1', fromId: 'f', type: 'hello', outcome: 'applied' } })
    })
    const fine = [postComment(t.ctx, idea.id, 'kept 1'), postComment(t.ctx, idea.id, 'kept 2')]
    await expect(failing).rejects.toThrow('this one fails after writing')
    await expect(duplicate).rejects.toMatchObject({ code: 'P2002' })
    expect((await Promise.all(fine)).map((c) => c.body)).toEqual(['kept 1', 'kept 2'])
    expect(await t.db.notification.findUnique({ where: { id: 'n-doomed' } })).toBeNull()
    expect(await t.db.inbox.count()).toBe(0)
    expect(await t.db.comment.count()).toBe(2)
  })
})
