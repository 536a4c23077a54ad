import { RelayHealth, RelayOnlineUsers } from '@pp/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectBackend, eventId, typing, USER_A, USER_B } from '../test-support/backend-client.js'
import { type Relay, startRelay, until } from '../test-support/relay.js'

describe('relay HTTP', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ NODE_ID: 'relay-test-1' })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('/health answers the seed fields with no backend connected', async () => {
    const res = await fetch(`${relay.url}/health`)
    expect(res.status).toBe(200)
    // Exactly the contract's shape (strict: no field the contract does not name).
    const body = RelayHealth.strict().parse(await res.json())
    expect(body).toMatchObject({
      status: 'healthy',
      active_users: 0,
      total_connections: 0,
      total_events_routed: 0,
      node_id: 'relay-test-1',
      redis: 'disabled',
    })
    expect(typeof body.uptime).toBe('number')
  })

  it('/health and /api/users/online with two backends connected', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A, {
      headers: { 'x-backend-url': 'http://localhost:8000' },
    })
    const b = await connectBackend(relay.wsUrl, USER_B, { headers: { 'x-backend-url': 'not a url' } })
    a.send({ type: 'send', id: eventId(), to: [USER_B.id], event: typing() })
    await b.next('the event', (f) => f.type === 'event')
    const health = RelayHealth.strict().parse(await (await fetch(`${relay.url}/health`)).json())
    expect(health).toMatchObject({ active_users: 2, total_connections: 2, total_events_routed: 1 })

    const users = RelayOnlineUsers.parse(await (await fetch(`${relay.url}/api/users/online`)).json())
    const byId = new Map(users.map((u) => [u.id, u]))
    expect(byId.get(USER_A.id)).toMatchObject({ displayName: 'User A', backendUrl: 'http://localhost:8000' })
    expect(byId.get(USER_B.id)).toMatchObject({ displayName: 'User B', backendUrl: null })
    for (const u of users) {
      expect(Object.keys(u).sort()).toEqual(['backendUrl', 'connectedAt', 'displayName', 'id'])
    }
    a.close()
    b.close()
    await until('both gone', async () => {
      const list = (await (await fetch(`${relay.url}/api/users/online`)).json()) as unknown[]
      return list.length === 0
    })
  })

  it('/metrics exposes connections, routed events by type, acks, undeliverable, errors, latency', async () => {
    const a = await connectBackend(relay.wsUrl, USER_A)
    const b = await connectBackend(relay.wsUrl, USER_B)
    const id = eventId()
    a.send({ type: 'send', id, to: [USER_B.id, '00000000-0000-0000-0000-0000000000ff'], event: typing() })
    await b.next('the event', (f) => f.type === 'event')
    b.send({ type: 'ack', id, to: USER_A.id })
    await a.next('the ack', (f) => f.type === 'ack')
    a.send('nope')
    await a.next('the error', (f) => f.type === 'error')
    const res = await fetch(`${relay.url}/metrics`)
    expect(res.headers.get('content-type')).toContain('text/plain')
    const text = await res.text()
    expect(text).toMatch(/^collab_backend_connections 2$/m)
    expect(text).toMatch(/^collab_events_routed_total\{type="typing",outcome="delivered"\} 2$/m)
    expect(text).toMatch(/^collab_events_routed_total\{type="typing",outcome="offline"\} 1$/m)
    expect(text).toMatch(/^collab_acks_total 1$/m)
    expect(text).toMatch(/^collab_undeliverable_total 1$/m)
    expect(text).toMatch(/^collab_frame_errors_total\{code="invalid_json"\} 1$/m)
    expect(text).toMatch(/^collab_routing_latency_seconds_count 2$/m)
    // The standard process and Node.js metrics under their usual names; no gauge named *_total.
    expect(text).toMatch(/^process_cpu_seconds_total \S+$/m)
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \S+$/m)
    expect(text).not.toContain('collab_process_')
    expect(text).not.toMatch(/^# TYPE \S+_total gauge$/m)
    a.close()
    b.close()
  })

  it('/ is a short API page, as HTML for a browser and JSON otherwise', async () => {
    const html = await fetch(`${relay.url}/`, { headers: { accept: 'text/html' } })
    expect(html.headers.get('content-type')).toContain('text/html')
    const page = await html.text()
    for (const path of ['/health', '/api/users/online', '/metrics', '/v1/backends'])
      expect(page).toContain(path)
    const json = (await (await fetch(`${relay.url}/`)).json()) as { endpoints: Array<{ path: string }> }
    expect(json.endpoints.map((e) => e.path)).toContain('/api/users/online')
  })
})
