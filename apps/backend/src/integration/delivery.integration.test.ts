import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest } from '../test-support/clients.js'
import { type Proc, spawnBackend, stopAll, waitFor } from '../test-support/processes.js'
import { type RelayHandle, startRelay } from '../test-support/relay.js'
import { tempDir, USER_A, USER_B } from '../test-support/temp.js'
import { type Comment, type Idea, makeFriends, type Note } from './helpers.js'

type Status = {
  connected: boolean
  peers: Array<{ user: { id: string }; pending: number; oldestPendingAgeMs: number | null }>
}
type Stats = {
  sinceStart: { applied: number; duplicate: number; deferred: number }
  inbox: Record<string, number>
  outbox: { pending: number; acked: number }
}

describe('delivery: nothing lost, nothing applied twice', () => {
  const t = tempDir()
  let relay: RelayHandle
  let a: Proc & { api: string; token: string }
  let b: Proc & { api: string; token: string }
  const A = () => rest(a.api, a.token)
  const B = () => rest(b.api, b.token)
  const pendingFor = async (userId: string) =>
    (await A().get<Status>('/collab/status')).peers.find((p) => p.user.id === userId)?.pending ?? 0

  beforeAll(async () => {
    relay = await startRelay(t.dir)
    a = await spawnBackend({ user: USER_A, dir: t.dir, name: 'a', relayUrls: [relay.url] })
    b = await spawnBackend({ user: USER_B, dir: t.dir, name: 'b', relayUrls: [relay.url] })
    await makeFriends(A(), B(), USER_A.id, USER_B.id)
  })
  afterAll(async () => {
    await stopAll()
    await Promise.all([a?.stop(), b?.stop()])
    await relay?.stop()
    t.cleanup()
  })

  it('a recipient that was offline ends with exactly the owner’s state', async () => {
    await b.stop()
    const x = await A().ok<Idea>('POST', '/ideas', {
      symbol: 'AAPL',
      strategy: 'Covered Call',
      status: 'Planned',
    })
    await A().ok('PUT', `/ideas/${x.id}/shares`, { userIds: [USER_B.id] })
    await A().ok('PATCH', `/ideas/${x.id}`, { tags: ['bullish', 'short-term'] })
    await A().ok('PATCH', `/ideas/${x.id}`, { status: 'Watching', notes: 'roll in March' })
    for (const body of ['one', 'two', 'three']) await A().ok('POST', `/ideas/${x.id}/comments`, { body })
    const y = await A().ok<Idea>('POST', '/ideas', { symbol: 'MSFT', strategy: 'Stock', status: 'Open' })
    await A().ok('PUT', `/ideas/${y.id}/shares`, { userIds: [USER_B.id] })
    await A().ok('PUT', `/ideas/${y.id}/shares`, { userIds: [] })
    const z = await A().ok<Idea>('POST', '/ideas', { symbol: 'NVDA', strategy: 'Long Call', status: 'Open' })
    await A().ok('PUT', `/ideas/${z.id}/shares`, { userIds: [USER_B.id] })
    await A().ok('DELETE', `/ideas/${z.id}`)
    const waiting = (await A().get<Status>('/collab/status')).peers.find((p) => p.user.id === USER_B.id)
    expect(waiting?.pending).toBeGreaterThan(0)
    expect(waiting?.oldestPendingAgeMs).not.toBeNull()

    await b.start()
    await waitFor(async () => (await pendingFor(USER_B.id)) === 0, 'A’s outbox to B drained')
    const owner = await A().get<Idea>(`/ideas/${x.id}`)
    const shared = await B().get<Idea[]>('/shared')
    expect(shared).toEqual([{ ...owner, readOnly: true }])
    const strip = (l: Comment[]) => l.map(({ pending: _p, ...c }) => c)
    expect(strip(await B().get<Comment[]>(`/ideas/${x.id}/comments`))).toEqual(
      strip(await A().get<Comment[]>(`/ideas/${x.id}/comments`)),
    )
    expect((await B().call('GET', `/ideas/${y.id}`)).status).toBe(404)
    expect((await B().call('GET', `/ideas/${z.id}`)).status).toBe(404)
    const texts = (await B().get<Note[]>('/notifications')).map((n) => n.text)
    expect(texts).toContain('User A shared AAPL with you')
  })

  it('a relay stopped and started mid-stream loses nothing and applies nothing twice', async () => {
    const idea = await A().ok<Idea>('POST', '/ideas', {
      symbol: 'SPY',
      strategy: 'Iron Condor',
      status: 'Open',
    })
    await A().ok('PUT', `/ideas/${idea.id}/shares`, { userIds: [USER_B.id] })
    await waitFor(async () => (await B().call('GET', `/ideas/${idea.id}`)).status === 200, 'SPY at B')
    const before = await B().get<Stats>('/debug/delivery')
    const total = 40
    for (let i = 0; i < total; i++) {
      if (i === 15) await relay.stop()
      if (i === 30) await relay.start()
      await A().ok('POST', `/ideas/${idea.id}/comments`, { body: `stream ${i}` })
    }
    await waitFor(async () => (await pendingFor(USER_B.id)) === 0, 'A’s outbox to B drained', 30_000)
    const atB = await B().get<Comment[]>(`/ideas/${idea.id}/comments`)
    expect(atB.map((c) => c.body).sort()).toEqual(
      Array.from({ length: total }, (_, i) => `stream ${i}`).sort(),
    )
    const after = await B().get<Stats>('/debug/delivery')
    // Every comment event was applied exactly once; redeliveries, if any, were only acked again.
    expect(after.sinceStart.applied - before.sinceStart.applied).toBe(total)
    const inboxApplied = (s: Stats) => s.inbox.applied ?? 0
    expect(inboxApplied(after) - inboxApplied(before)).toBe(total)
  })

  it('a restarted backend keeps all its data and carries on', async () => {
    const ideasA = await A().get<Idea[]>('/ideas')
    const sharedB = await B().get<Idea[]>('/shared')
    const notesB = await B().get<Note[]>('/notifications')
    const friendsA = await A().get('/friends')
    const comments = await B().get<Comment[]>(`/ideas/${sharedB[0]?.id}/comments`)
    await Promise.all([a.stop(), b.stop()])
    await Promise.all([a.start(), b.start()])
    expect(await A().get<Idea[]>('/ideas')).toEqual(ideasA)
    expect(await B().get<Idea[]>('/shared')).toEqual(sharedB)
    expect(await B().get<Note[]>('/notifications')).toEqual(notesB)
    expect(await B().get<Comment[]>(`/ideas/${sharedB[0]?.id}/comments`)).toEqual(comments)
    await waitFor(async () => (await A().get<Status>('/collab/status')).connected, 'A reconnected')
    expect(await A().get('/friends')).toEqual(friendsA)
    const c = await B().ok<Comment>('POST', `/ideas/${sharedB[0]?.id}/comments`, { body: 'after restart' })
    await waitFor(
      async () => (await A().get<Comment[]>(`/ideas/${sharedB[0]?.id}/comments`)).some((x) => x.id === c.id),
      'comment after restart',
    )
  })
})
