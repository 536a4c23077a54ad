import { RelayHealth, SessionsResponse } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import { useSessionRelay } from './test-support/session-room.js'

const { relay, join } = useSessionRelay()

describe('session counts over HTTP', () => {
  it('GET /api/sessions lists each session with its members, longest-connected first', async () => {
    await join('design-review', 'ann')
    await join('design-review', 'ben')
    await join('standup', 'cat')
    const res = await fetch(`${relay().url}/api/sessions`)
    expect(res.status).toBe(200)
    const body = SessionsResponse.strict().parse(await res.json())
    expect(body.total_sessions).toBe(2)
    expect(body.total_connections).toBe(3)
    expect(body.sessions.map((s) => [s.session_id, s.users.map((u) => u.user_id)])).toEqual([
      ['design-review', ['ann', 'ben']],
      ['standup', ['cat']],
    ])
    for (const s of body.sessions) {
      for (const u of s.users) expect(new Date(u.connected_at).toISOString()).toBe(u.connected_at)
    }
  })

  it('GET /health counts sessions, session connections and messages', async () => {
    const a = await join('health-room', 'a')
    const b = await join('health-room', 'b')
    a.send({ type: 'item:add', id: 1 })
    await b.next((m) => m.type === 'item:add')
    const health = RelayHealth.strict().parse(await (await fetch(`${relay().url}/health`)).json())
    expect(health.status).toBe('healthy')
    expect(health.active_sessions).toBe(3)
    expect(health.session_connections).toBe(5)
    expect(health.session_messages_received).toBeGreaterThanOrEqual(1)
    expect(health.session_messages_routed).toBeGreaterThanOrEqual(1)
    expect(health.total_connections).toBeGreaterThanOrEqual(5)

    await b.close()
    await a.next((m) => m.type === 'user:left')
    const after = RelayHealth.parse(await (await fetch(`${relay().url}/health`)).json())
    expect(after.session_connections).toBe(4)
  })

  it('answers a plain HTTP request to a session URL with 426 and how to connect', async () => {
    const res = await fetch(`${relay().url}/ws/some-session/some-user`)
    expect(res.status).toBe(426)
    expect(((await res.json()) as { message: string }).message).toMatch(/WebSocket/)
  })

  it('GET /metrics exposes the session counters', async () => {
    const res = await fetch(`${relay().url}/metrics`)
    expect(res.status).toBe(200)
    const text = await res.text()
    const value = (name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      return line === undefined ? undefined : Number(line.split(' ').pop())
    }
    expect(value('collab_sessions')).toBe(3)
    expect(value('collab_session_connections')).toBe(4)
    expect(value('collab_session_connections_total')).toBe(5)
    expect(text).toMatch(/collab_session_messages_received_total\{kind="broadcast"\} [1-9]/)
    expect(text).toMatch(/collab_session_messages_sent_total [1-9]/)
    expect(text).toMatch(/collab_session_closes_total\{code="1000"\} 1/)
  })
})
