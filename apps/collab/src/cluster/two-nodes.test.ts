import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import {
  connectBackend,
  eventId,
  type TestBackend,
  typing,
  USER_A,
  USER_B,
  USER_C,
} from '../test-support/backend-client.js'
import { type RedisServer, startRedis } from '../test-support/redis.js'
import { type Relay, startRelayProcess, until } from '../test-support/relay.js'

const onlineIds = async (relay: Relay) =>
  ((await (await fetch(`${relay.url}/api/users/online`)).json()) as Array<{ id: string }>)
    .map((u) => u.id)
    .sort()

describe('two relay nodes over Redis', () => {
  let redis: RedisServer
  let node1: Relay
  let node2: Relay
  const open: TestBackend[] = []
  const on = async (relay: Relay, user: typeof USER_A) => {
    const b = await connectBackend(relay.wsUrl, user)
    open.push(b)
    return b
  }

  beforeAll(async () => {
    redis = await startRedis()
    const env = { REDIS_URL: redis.url, PRESENCE_TTL_MS: '1500' }
    node1 = await startRelayProcess({ ...env, NODE_ID: 'node-1' })
    node2 = await startRelayProcess({ ...env, NODE_ID: 'node-2' })
  })
  afterEach(async () => {
    for (const b of open.splice(0)) b.close()
    await until(
      'everyone gone',
      async () => (await onlineIds(node1)).length + (await onlineIds(node2)).length === 0,
    )
  })
  afterAll(async () => {
    await node1?.stop()
    await node2?.stop()
    await redis?.stop()
  })

  it('routes events, acks, presence and undeliverable between backends on different nodes', async () => {
    const a = await on(node1, USER_A)
    a.send({ type: 'watch', userIds: [USER_B.id] })
    const b = await on(node2, USER_B)
    await a.next('B online (from node 2)', (f) => f.type === 'presence' && f.online === true)
    b.send({ type: 'watch', userIds: [USER_A.id] })
    await b.next('A online now (from node 1)', (f) => f.type === 'presence' && f.online === true)

    const id = eventId()
    a.send({ type: 'send', id, to: [USER_B.id, USER_C.id], event: typing() })
    const got = await b.next('the event on node 2', (f) => f.type === 'event' && f.id === id)
    expect(got.from).toEqual(USER_A)
    await a.next('undeliverable for C', (f) => f.type === 'undeliverable' && f.to === USER_C.id)
    b.send({ type: 'ack', id, to: USER_A.id })
    expect(await a.next('the ack across nodes', (f) => f.type === 'ack')).toEqual({
      type: 'ack',
      id,
      by: USER_B.id,
    })

    for (const relay of [node1, node2]) {
      expect(await onlineIds(relay)).toEqual([USER_A.id, USER_B.id].sort())
      const health = (await (await fetch(`${relay.url}/health`)).json()) as Record<string, unknown>
      expect(health).toMatchObject({ status: 'healthy', redis: 'connected', active_users: 2 })
    }
    await until('cluster-wide totals', async () => {
      const h = (await (await fetch(`${node1.url}/health`)).json()) as Record<string, number>
      return h.total_connections === 2 && h.total_events_routed === 1
    })
    const h = (await (await fetch(`${node2.url}/health`)).json()) as {
      node_id: string
      cluster: { nodes: number }
    }
    expect(h.node_id).toBe('node-2')
    expect(h.cluster.nodes).toBe(2)
    b.close()
    await a.next('B offline', (f) => f.type === 'presence' && f.online === false)
  })

  it('a user connecting on the other node replaces its first connection there (4000)', async () => {
    const a = await on(node1, USER_A)
    const b1 = await on(node1, USER_B)
    a.send({ type: 'watch', userIds: [USER_B.id] })
    b1.send({ type: 'watch', userIds: [USER_A.id] })
    await a.next('B online', (f) => f.type === 'presence')
    const b2 = await on(node2, USER_B)
    expect((await b1.waitClosed()).code).toBe(4000)
    const id = eventId()
    a.send({ type: 'send', id, to: [USER_B.id], event: typing() })
    await b2.next('the event at the new connection', (f) => f.type === 'event' && f.id === id)
    expect(a.of('presence').some((f) => f.online === false)).toBe(false)
  })
})

describe('session rooms across two nodes', () => {
  let redis: RedisServer
  let node1: Relay
  let node2: Relay
  beforeAll(async () => {
    redis = await startRedis()
    node1 = await startRelayProcess({ REDIS_URL: redis.url, NODE_ID: 'node-1' })
    node2 = await startRelayProcess({ REDIS_URL: redis.url, NODE_ID: 'node-2' })
  })
  afterAll(async () => {
    await node1?.stop()
    await node2?.stop()
    await redis?.stop()
  })

  it("members on different nodes see each other join and get each other's broadcasts", async () => {
    const join = async (relay: Relay, user: string, session = 'design-review') => {
      const ws = new WebSocket(`${relay.wsUrl}/ws/${session}/${user}`)
      const got: Array<Record<string, unknown>> = []
      ws.on('message', (d) => got.push(JSON.parse(d.toString()) as Record<string, unknown>))
      await new Promise((r) => ws.once('open', r))
      await until(`${user}'s connection:ack`, () => got.some((m) => m.type === 'connection:ack'))
      return { ws, got }
    }
    const alice = await join(node1, 'alice')
    const bob = await join(node2, 'bob')
    await until('alice hears bob joined', () =>
      alice.got.some((m) => m.type === 'user:joined' && m.user_id === 'bob'),
    )
    bob.ws.send(JSON.stringify({ type: 'item:add', item: { id: 'i1', x: 1 } }))
    const added = await until("alice gets bob's item:add", () => alice.got.find((m) => m.type === 'item:add'))
    expect(added).toMatchObject({ type: 'item:add', user_id: 'bob', item: { id: 'i1', x: 1 } })
    alice.ws.send(JSON.stringify({ type: 'item:move', id: 'i1', x: 2 }))
    await until("bob gets alice's item:move", () =>
      bob.got.some((m) => m.type === 'item:move' && m.user_id === 'alice'),
    )
    // Another session on the other node hears nothing of it.
    const carol = await join(node2, 'carol', 'other-session')
    expect(carol.got.filter((m) => m.type === 'item:add' || m.type === 'item:move')).toEqual([])
    for (const c of [alice, bob, carol]) c.ws.close()
  })
})

describe('node failure and Redis outage', () => {
  let redis: RedisServer
  let node1: Relay
  let node2: Relay
  const env = () => ({ REDIS_URL: redis.url, PRESENCE_TTL_MS: '1500' })

  beforeAll(async () => {
    redis = await startRedis()
    node1 = await startRelayProcess({ ...env(), NODE_ID: 'node-1' })
    node2 = await startRelayProcess({ ...env(), NODE_ID: 'node-2' })
  })
  afterAll(async () => {
    await node1?.stop()
    await node2?.stop()
    await redis?.stop()
  })

  it('node 1 killed: its users go offline on node 2 within the lease TTL; A reconnects to node 2', async () => {
    const a = await connectBackend(node1.wsUrl, USER_A)
    const b = await connectBackend(node2.wsUrl, USER_B)
    b.send({ type: 'watch', userIds: [USER_A.id] })
    await b.next('A online', (f) => f.type === 'presence' && f.online === true)

    await node1.stop('SIGKILL')
    await b.next('A offline once its lease expired', (f) => f.type === 'presence' && f.online === false)
    expect(await onlineIds(node2)).toEqual([USER_B.id])

    const a2 = await connectBackend(node2.wsUrl, USER_A)
    // On one node now: presence flows between users who watch each other.
    a2.send({ type: 'watch', userIds: [USER_B.id] })
    await until('A online again', () => b.of('presence').filter((f) => f.online === true).length === 2)
    const id = eventId()
    a2.send({ type: 'send', id, to: [USER_B.id], event: typing() })
    await b.next('the event after failover', (f) => f.type === 'event' && f.id === id)
    a.close()
    a2.close()
    b.close()
  })

  it('Redis stopped and restarted: local routing goes on, health degrades, cross-node routing resumes', async () => {
    node1 = await startRelayProcess({ ...env(), NODE_ID: 'node-1b' })
    const a = await connectBackend(node1.wsUrl, USER_A)
    const c = await connectBackend(node1.wsUrl, USER_C)
    const b = await connectBackend(node2.wsUrl, USER_B)
    await until('B visible on node 1', async () => (await onlineIds(node1)).includes(USER_B.id))

    await redis.stop()
    await until('degraded health', async () => {
      const h = (await (await fetch(`${node1.url}/health`)).json()) as Record<string, unknown>
      return h.status === 'degraded' && h.redis === 'disconnected'
    })
    const local = eventId()
    a.send({ type: 'send', id: local, to: [USER_C.id], event: typing() })
    await c.next('local routing during the outage', (f) => f.type === 'event' && f.id === local)

    await redis.restart()
    await until('healthy again on both nodes', async () => {
      for (const relay of [node1, node2]) {
        const h = (await (await fetch(`${relay.url}/health`)).json()) as Record<string, unknown>
        if (h.status !== 'healthy') return false
      }
      return (await onlineIds(node1)).includes(USER_B.id) && (await onlineIds(node2)).includes(USER_A.id)
    })
    const id = eventId()
    a.send({ type: 'send', id, to: [USER_B.id], event: typing() })
    await b.next('cross-node routing after the restart', (f) => f.type === 'event' && f.id === id)
    const back = eventId()
    b.send({ type: 'send', id: back, to: [USER_A.id], event: typing() })
    await a.next('and the other way', (f) => f.type === 'event' && f.id === back)
    for (const x of [a, b, c]) x.close()
  })

  it('a node started while Redis is down joins the cluster once Redis is up', async () => {
    await redis.stop()
    const late = await startRelayProcess({ ...env(), NODE_ID: 'node-3' })
    try {
      const c = await connectBackend(late.wsUrl, USER_C)
      expect(((await (await fetch(`${late.url}/health`)).json()) as { status: string }).status).toBe(
        'degraded',
      )
      await redis.restart()
      const b = await connectBackend(node2.wsUrl, USER_B)
      b.send({ type: 'watch', userIds: [USER_C.id] })
      await b.next('C (on the late node) online', (f) => f.type === 'presence' && f.online === true)
      const id = eventId()
      b.send({ type: 'send', id, to: [USER_C.id], event: typing() })
      await c.next('the event on the late node', (f) => f.type === 'event' && f.id === id)
      b.close()
      c.close()
    } finally {
      await late.stop()
    }
  })
})
