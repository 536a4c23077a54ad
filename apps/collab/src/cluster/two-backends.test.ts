import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { USER_A, USER_B } from '../test-support/backend-client.js'
import {
  type BackendProcess,
  ensureBackendBuilt,
  rest,
  startBackend,
} from '../test-support/backend-process.js'
import { type RedisServer, startRedis } from '../test-support/redis.js'
import { type Relay, startRelayProcess, until } from '../test-support/relay.js'

type Idea = { id: string; tags: string[]; status: string; readOnly?: boolean; owner: { id: string } }
type Comment = { id: string; body: string; author: { id: string }; pending?: boolean }
type Friend = { id: string; status: string; online: boolean }

describe('two real backends on two relay nodes: share, comment, update, revoke', () => {
  let redis: RedisServer
  let node1: Relay
  let node2: Relay
  let a: BackendProcess
  let b: BackendProcess
  const A = () => rest(a.api, a.apiToken)
  const B = () => rest(b.api, b.apiToken)
  let idea: Idea

  beforeAll(async () => {
    ensureBackendBuilt()
    redis = await startRedis()
    node1 = await startRelayProcess({ REDIS_URL: redis.url, NODE_ID: 'node-1' })
    node2 = await startRelayProcess({ REDIS_URL: redis.url, NODE_ID: 'node-2' })
    a = await startBackend({ user: USER_A, relayUrls: [node1.url, node2.url] })
    b = await startBackend({ user: USER_B, relayUrls: [node2.url] })
    await until(
      'both backends online on both nodes',
      async () => {
        for (const relay of [node1, node2]) {
          const users = (await (await fetch(`${relay.url}/api/users/online`)).json()) as unknown[]
          if (users.length !== 2) return false
        }
        return true
      },
      30_000,
    )
  }, 300_000)
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await Promise.all([node1?.stop(), node2?.stop()])
    await redis?.stop()
  })

  it('makes A and B friends across the nodes', async () => {
    await A().call('POST', '/friends', { userId: USER_B.id })
    await until('the request at B', async () =>
      (await B().get<Friend[]>('/friends')).some((f) => f.id === USER_A.id && f.status === 'incoming'),
    )
    await B().call('POST', `/friends/${USER_A.id}/accept`)
    await until('accepted at A, B online', async () =>
      (await A().get<Friend[]>('/friends')).some(
        (f) => f.id === USER_B.id && f.status === 'accepted' && f.online,
      ),
    )
  })

  it('shares an idea from A (node 1) to B (node 2)', async () => {
    idea = await A().call<Idea>('POST', '/ideas', {
      symbol: 'AAPL',
      strategy: 'Covered Call',
      status: 'Planned',
    })
    await A().call('PUT', `/ideas/${idea.id}/shares`, { userIds: [USER_B.id] })
    const shared = await until('AAPL at B', async () =>
      (await B().get<Idea[]>('/shared')).find((i) => i.id === idea.id),
    )
    expect(shared).toMatchObject({ readOnly: true, owner: { id: USER_A.id } })
    await until('the routing line on node 1', () =>
      node1.output().includes('position_shared event routed from User A: delivered to User B via node-2'),
    )
  })

  it('comments both ways', async () => {
    const mine = await B().call<Comment>('POST', `/ideas/${idea.id}/comments`, { body: 'Great setup!' })
    await until('B’s comment at A', async () =>
      (await A().get<Comment[]>(`/ideas/${idea.id}/comments`)).some((c) => c.id === mine.id),
    )
    const reply = await A().call<Comment>('POST', `/ideas/${idea.id}/comments`, { body: 'Thanks!' })
    await until('A’s reply at B', async () =>
      (await B().get<Comment[]>(`/ideas/${idea.id}/comments`)).some((c) => c.id === reply.id),
    )
  })

  it('updates tags and status', async () => {
    await A().call('PATCH', `/ideas/${idea.id}`, { tags: ['bullish', 'short-term'], status: 'Watching' })
    const atB = await until('the update at B', async () => {
      const i = await B().get<Idea>(`/ideas/${idea.id}`)
      return i.status === 'Watching' ? i : undefined
    })
    expect(atB.tags).toEqual(['bullish', 'short-term'])
  })

  it('revokes the share', async () => {
    await A().call('PUT', `/ideas/${idea.id}/shares`, { userIds: [] })
    await until(
      'AAPL gone at B',
      async () => !(await B().get<Idea[]>('/shared')).some((i) => i.id === idea.id),
    )
    const notes = await B().get<Array<{ text: string }>>('/notifications')
    expect(notes.map((n) => n.text)).toContain('Access to position was revoked')
  })

  it('node 1 killed: A moves to node 2 and a share made meanwhile still arrives', async () => {
    await node1.stop('SIGKILL')
    const msft = await A().call<Idea>('POST', '/ideas', { symbol: 'MSFT', strategy: 'Stock', status: 'Open' })
    await A().call('PUT', `/ideas/${msft.id}/shares`, { userIds: [USER_B.id] })
    await until(
      'A online on node 2',
      async () => {
        const users = (await (await fetch(`${node2.url}/api/users/online`)).json()) as Array<{ id: string }>
        return users.some((u) => u.id === USER_A.id)
      },
      30_000,
    )
    await until(
      'MSFT at B',
      async () => (await B().get<Idea[]>('/shared')).some((i) => i.id === msft.id),
      30_000,
    )
  })
})
