import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Message, SessionClient } from '../sessions/test-support/session-client.js'
import { type RedisServer, startRedis } from '../test-support/redis.js'
import { type Relay, startRelayProcess, until } from '../test-support/relay.js'

/** A session room spread over two relay nodes behaves as one room: the members, the sync, replacement. */
describe('session room members across two nodes', () => {
  let redis: RedisServer
  let node1: Relay
  let node2: Relay
  const open: SessionClient[] = []
  const join = async (relay: Relay, session: string, user: string) => {
    const c = await SessionClient.join(relay.wsUrl, session, user)
    open.push(c)
    return c
  }
  /** Members of `session` as `relay` lists them (`GET /api/sessions`). */
  const listed = async (relay: Relay, session: string) => {
    const body = (await (await fetch(`${relay.url}/api/sessions`)).json()) as {
      sessions: Array<{ session_id: string; users: Array<{ user_id: string }> }>
    }
    return body.sessions.find((s) => s.session_id === session)?.users.map((u) => u.user_id) ?? []
  }
  const ack = (c: SessionClient) => c.ofType('connection:ack')[0] as Message

  beforeAll(async () => {
    redis = await startRedis()
    const env = { REDIS_URL: redis.url, PRESENCE_TTL_MS: '1500', SESSION_SYNC_TIMEOUT_MS: '2000' }
    node1 = await startRelayProcess({ ...env, NODE_ID: 'node-1' })
    node2 = await startRelayProcess({ ...env, NODE_ID: 'node-2' })
  })
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()))
    await node1?.stop()
    await node2?.stop()
    await redis?.stop()
  })

  it('connection:ack, user:joined and /api/sessions list the members of every node, longest-connected first', async () => {
    const alice = await join(node1, 'members', 'alice')
    await until('node 2 knows alice', async () => (await listed(node2, 'members')).includes('alice'))
    const bob = await join(node2, 'members', 'bob')
    expect(ack(bob).users).toEqual(['alice', 'bob'])
    const joined = await alice.next((m) => m.type === 'user:joined' && m.user_id === 'bob')
    expect(joined.users).toEqual(['alice', 'bob'])
    await until('node 1 lists both', async () => (await listed(node1, 'members')).length === 2)
    expect(await listed(node1, 'members')).toEqual(['alice', 'bob'])

    await bob.close()
    const left = await alice.next((m) => m.type === 'user:left' && m.user_id === 'bob')
    expect(left.users).toEqual(['alice'])
    await until('node 1 lists alice alone', async () => (await listed(node1, 'members')).length === 1)
  })

  it('a late joiner on the other node gets the state from the longest-connected member', async () => {
    const keeper = await join(node1, 'sync', 'keeper')
    keeper.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Message
      if (m.type === 'sync:request')
        keeper.send({ type: 'sync:state', requester: m.requester, state: { items: [{ id: 'i1', x: 3 }] } })
    })
    await until('node 2 knows keeper', async () => (await listed(node2, 'sync')).includes('keeper'))
    const late = await join(node2, 'sync', 'late')
    const state = await late.next((m) => m.type === 'sync:state')
    expect(state).toMatchObject({
      requester: 'late',
      user_id: 'keeper',
      state: { items: [{ id: 'i1', x: 3 }] },
    })
    expect(keeper.ofType('sync:request').map((m) => m.requester)).toEqual(['late'])
    // Exactly one state, and nothing else after the sync timeout.
    await new Promise((r) => setTimeout(r, 2500))
    expect(late.messages.map((m) => m.type)).toEqual(['connection:ack', 'sync:state'])
  })

  it('an unrequested sync:state from another node is not delivered', async () => {
    const target = await join(node1, 'forged', 'target')
    const forger = await join(node2, 'forged', 'forger')
    await until('node 2 knows target', async () => (await listed(node2, 'forged')).includes('target'))
    forger.send({ type: 'sync:state', requester: 'target', state: { evil: true } })
    // A broadcast sent after it arrives after it (one pub/sub channel, in order).
    forger.send({ type: 'item:add', item: { id: 'after' } })
    await target.next((m) => m.type === 'item:add')
    expect(target.ofType('sync:state')).toEqual([])
  })

  it('the same user joining on the other node replaces the first connection (4000); nobody sees it leave', async () => {
    const carol = await join(node1, 'moving', 'carol')
    const dave = await join(node1, 'moving', 'dave')
    await until('node 2 knows dave', async () => (await listed(node2, 'moving')).includes('dave'))
    const dave2 = await join(node2, 'moving', 'dave')
    expect((await dave.closed).code).toBe(4000)
    carol.send({ type: 'item:add', item: { id: 'for-dave' } })
    await dave2.next((m) => m.type === 'item:add')
    expect(carol.ofType('user:left')).toEqual([])
    expect(await listed(node1, 'moving')).toEqual(['carol', 'dave'])
  })

  it('Redis away past the TTL: each side sees the other leave, then join again when Redis is back', async () => {
    const gina = await join(node1, 'outage', 'gina')
    await until('node 2 knows gina', async () => (await listed(node2, 'outage')).includes('gina'))
    const hank = await join(node2, 'outage', 'hank')
    await gina.next((m) => m.type === 'user:joined' && m.user_id === 'hank')

    await redis.stop()
    const left = await hank.next((m) => m.type === 'user:left' && m.user_id === 'gina')
    expect(left.users).toEqual(['hank'])
    expect((await gina.next((m) => m.type === 'user:left' && m.user_id === 'hank')).users).toEqual(['gina'])

    await redis.restart()
    const back = await hank.next((m) => m.type === 'user:joined' && m.user_id === 'gina')
    expect(back.users).toEqual(['gina', 'hank'])
    await gina.until('hank back', () =>
      gina.ofType('user:joined').filter((m) => m.user_id === 'hank').length === 2 ? true : undefined,
    )
    gina.send({ type: 'item:add', item: { id: 'after-outage' } })
    expect(await hank.next((m) => m.type === 'item:add')).toMatchObject({ user_id: 'gina' })
  })

  it('a node killed: its members leave for the members on the other node within the TTL', async () => {
    await join(node1, 'crash', 'erin')
    await until('node 2 knows erin', async () => (await listed(node2, 'crash')).includes('erin'))
    const frank = await join(node2, 'crash', 'frank')
    expect(ack(frank).users).toEqual(['erin', 'frank'])
    await node1.stop('SIGKILL')
    const left = await frank.next((m) => m.type === 'user:left' && m.user_id === 'erin')
    expect(left.users).toEqual(['frank'])
    expect(await listed(node2, 'crash')).toEqual(['frank'])
  })
})
