import { REVOKED_TEXT } from '@pp/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { liveClient, rest } from '../test-support/clients.js'
import { type Proc, spawnBackend, stopAll, waitFor } from '../test-support/processes.js'
import { type RelayHandle, startRelay } from '../test-support/relay.js'
import { tempDir, USER_A, USER_B, USER_C } from '../test-support/temp.js'
import { type Comment, type Idea, makeFriends, type Note } from './helpers.js'

describe('the testing guide’s flows (real relay, three real backends)', () => {
  const t = tempDir()
  let relay: RelayHandle
  let a: Proc & { api: string; token: string }
  let b: Proc & { api: string; token: string }
  let c: Proc & { api: string; token: string }
  let liveA: Awaited<ReturnType<typeof liveClient>>
  let liveB: Awaited<ReturnType<typeof liveClient>>
  const A = () => rest(a.api, a.token)
  const B = () => rest(b.api, b.token)
  const C = () => rest(c.api, c.token)
  let aapl: Idea

  beforeAll(async () => {
    relay = await startRelay(t.dir)
    ;[a, b, c] = await Promise.all([
      spawnBackend({ user: USER_A, dir: t.dir, name: 'a', relayUrls: [relay.url] }),
      spawnBackend({ user: USER_B, dir: t.dir, name: 'b', relayUrls: [relay.url] }),
      spawnBackend({ user: USER_C, dir: t.dir, name: 'c', relayUrls: [relay.url] }),
    ])
    await makeFriends(A(), B(), USER_A.id, USER_B.id)
    await makeFriends(A(), C(), USER_A.id, USER_C.id)
    liveA = await liveClient(a.url, a.token)
    liveB = await liveClient(b.url, b.token)
  })
  afterAll(async () => {
    await stopAll()
    liveA?.close()
    liveB?.close()
    await Promise.all([a?.stop(), b?.stop(), c?.stop()])
    await relay?.stop()
    t.cleanup()
  })

  it('lists the users online at the relay, itself among them', async () => {
    const online = await waitFor(async () => {
      const users = await A().get<Array<{ id: string; displayName: string }>>('/users/online')
      return users.length >= 3 ? users : undefined
    }, 'online users')
    expect(online).toEqual(expect.arrayContaining([USER_A, USER_B, USER_C]))
    expect(online).toHaveLength(3)
    const friends = await A().get<Array<{ id: string; online: boolean; status: string }>>('/friends')
    expect(friends.find((f) => f.id === USER_B.id)).toMatchObject({ status: 'accepted', online: true })
  })

  it('Test 1: a shared idea appears read-only at B as shared by User A', async () => {
    aapl = await A().ok<Idea>('POST', '/ideas', {
      symbol: 'AAPL',
      strategy: 'Covered Call',
      status: 'Planned',
    })
    const shares = await A().ok('PUT', `/ideas/${aapl.id}/shares`, { userIds: [USER_B.id] })
    expect(shares).toEqual({ userIds: [USER_B.id], added: [USER_B.id], removed: [] })
    const shared = await waitFor(async () => {
      const list = await B().get<Idea[]>('/shared')
      return list.find((i) => i.id === aapl.id)
    }, 'AAPL at B')
    expect(shared).toMatchObject({ symbol: 'AAPL', readOnly: true, owner: USER_A, strategy: 'Covered Call' })
    const notes = await B().get<Note[]>('/notifications')
    expect(notes.map((n) => n.text)).toContain('User A shared AAPL with you')
    await waitFor(
      () => liveB.events.some((e) => e.name === 'idea:upserted' && (e.payload as Idea).id === aapl.id),
      'live idea at B',
    )
    await waitFor(async () => {
      const s = await A().get<{ peers: Array<{ user: { id: string }; pending: number }> }>('/collab/status')
      return s.peers.find((p) => p.user.id === USER_B.id)?.pending === 0
    }, 'A’s outbox to B drained')
  })

  it('Test 2: comments both ways', async () => {
    const mine = await B().ok<Comment>('POST', `/ideas/${aapl.id}/comments`, {
      body: 'Great setup! I like this trade.',
    })
    expect(mine).toMatchObject({ pending: true, author: USER_B })
    const atA = await waitFor(async () => {
      const list = await A().get<Comment[]>(`/ideas/${aapl.id}/comments`)
      return list.find((x) => x.id === mine.id)
    }, 'B’s comment at A')
    expect(atA).toMatchObject({
      author: USER_B,
      body: 'Great setup! I like this trade.',
      pending: false,
      createdAt: mine.createdAt,
    })
    await waitFor(async () => {
      const list = await B().get<Comment[]>(`/ideas/${aapl.id}/comments`)
      return list.find((x) => x.id === mine.id)?.pending === false
    }, 'B’s comment confirmed')
    const reply = await A().ok<Comment>('POST', `/ideas/${aapl.id}/comments`, {
      body: 'Thanks! Let me know if you have suggestions.',
    })
    expect(reply.pending).toBe(false)
    await waitFor(async () => {
      const list = await B().get<Comment[]>(`/ideas/${aapl.id}/comments`)
      return list.find((x) => x.id === reply.id)
    }, 'A’s reply at B')
    expect((await A().get<Note[]>('/notifications')).map((n) => n.text)).toContain('User B commented on AAPL')
    expect((await B().get<Note[]>('/notifications')).map((n) => n.text)).toContain('User A commented on AAPL')
    await waitFor(
      () => liveA.events.some((e) => e.name === 'comment:upserted' && (e.payload as Comment).id === mine.id),
      'live comment at A',
    )
  })

  it('live channel: collab:status on connect, typing relayed and never stored', async () => {
    expect(liveB.events.find((e) => e.name === 'collab:status')?.payload).toMatchObject({ enabled: true })
    await waitFor(
      () =>
        liveA.events.some(
          (e) => e.name === 'collab:status' && (e.payload as { connected: boolean }).connected,
        ),
      'A live status connected',
    )
    const outboxBefore = await B().get<{ outbox: { pending: number; acked: number } }>('/debug/delivery')
    liveB.socket.emit('typing', { ideaId: aapl.id })
    const typing = await waitFor(() => liveA.events.find((e) => e.name === 'typing'), 'typing at A')
    expect(typing.payload).toEqual({ ideaId: aapl.id, user: USER_B })
    const outboxAfter = await B().get<{ outbox: { pending: number; acked: number } }>('/debug/delivery')
    // Rows of earlier tests may move from pending to acked meanwhile (acks are recorded in batches):
    // what must not change is the number of rows, since typing never goes through the outbox.
    const rows = (o: { pending: number; acked: number }) => o.pending + o.acked
    expect(rows(outboxAfter.outbox)).toBe(rows(outboxBefore.outbox))
  })

  it('Test 3: tags and status changes reach B', async () => {
    await A().ok('PATCH', `/ideas/${aapl.id}`, { tags: ['bullish', 'short-term'] })
    await waitFor(async () => {
      const i = await B().get<Idea>(`/ideas/${aapl.id}`)
      return i.tags.join() === 'bullish,short-term'
    }, 'tags at B')
    await A().ok('PATCH', `/ideas/${aapl.id}`, { status: 'Watching' })
    const atB = await waitFor(async () => {
      const i = await B().get<Idea>(`/ideas/${aapl.id}`)
      return i.status === 'Watching' ? i : undefined
    }, 'status at B')
    expect(atB).toMatchObject({ version: 3, tags: ['bullish', 'short-term'], readOnly: true })
    expect((await B().call('PATCH', `/ideas/${aapl.id}`, { status: 'Closed' })).status).toBe(403)
  })

  it('Test 4: revoking removes the idea at B and notifies', async () => {
    const r = await A().ok('PUT', `/ideas/${aapl.id}/shares`, { userIds: [] })
    expect(r).toEqual({ userIds: [], added: [], removed: [USER_B.id] })
    await waitFor(
      async () => (await B().get<Idea[]>('/shared')).every((i) => i.id !== aapl.id),
      'AAPL gone at B',
    )
    expect((await B().call('GET', `/ideas/${aapl.id}`)).status).toBe(404)
    expect((await B().call('GET', `/ideas/${aapl.id}/comments`)).status).toBe(404)
    expect((await B().get<Note[]>('/notifications')).map((n) => n.text)).toContain(REVOKED_TEXT)
    await waitFor(
      () =>
        liveB.events.some(
          (e) =>
            e.name === 'idea:removed' &&
            JSON.stringify(e.payload) === JSON.stringify({ ideaId: aapl.id, reason: 'revoked' }),
        ),
      'live removal at B',
    )
  })

  it('Test 6: 50 simultaneous comments from three sides arrive everywhere in the same order', async () => {
    const idea = await A().ok<Idea>('POST', '/ideas', {
      symbol: 'TSLA',
      strategy: 'Long Put',
      status: 'Open',
    })
    await A().ok('PUT', `/ideas/${idea.id}/shares`, { userIds: [USER_B.id, USER_C.id] })
    await waitFor(async () => (await B().call('GET', `/ideas/${idea.id}`)).status === 200, 'TSLA at B')
    await waitFor(async () => (await C().call('GET', `/ideas/${idea.id}`)).status === 200, 'TSLA at C')
    const posts = []
    for (let i = 0; i < 20; i++)
      posts.push(A().ok('POST', `/ideas/${idea.id}/comments`, { body: `Comment ${i} from User A` }))
    for (let i = 0; i < 20; i++)
      posts.push(B().ok('POST', `/ideas/${idea.id}/comments`, { body: `Comment ${i} from User B` }))
    for (let i = 0; i < 10; i++)
      posts.push(C().ok('POST', `/ideas/${idea.id}/comments`, { body: `Comment ${i} from User C` }))
    await Promise.all(posts)
    const settled = async (client: ReturnType<typeof rest>) =>
      waitFor(
        async () => {
          const list = await client.get<Comment[]>(`/ideas/${idea.id}/comments`)
          return list.length === 50 && list.every((x) => !x.pending) ? list : undefined
        },
        'all 50 comments confirmed',
        30_000,
      )
    const [atA, atB, atC] = await Promise.all([settled(A()), settled(B()), settled(C())])
    const key = (l: Comment[]) => l.map((x) => `${x.createdAt}|${x.id}|${x.body}`)
    expect(key(atB)).toEqual(key(atA))
    expect(key(atC)).toEqual(key(atA))
    const sorted = [...atA].sort((x, y) =>
      x.createdAt === y.createdAt ? (x.id < y.id ? -1 : 1) : x.createdAt < y.createdAt ? -1 : 1,
    )
    expect(atA.map((x) => x.id)).toEqual(sorted.map((x) => x.id))
  })
})
