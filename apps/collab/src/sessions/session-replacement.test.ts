import { mintSessionToken, secretKey } from '@pp/contracts/tokens'
import { describe, expect, it } from 'vitest'
import { useSessionRelay } from './test-support/session-room.js'

const SECRET = 'session-replacement-secret-0123456789'
const { relay, join } = useSessionRelay({ SESSION_AUTH: 'required', COLLAB_JWT_SECRET: SECRET })
const token = async (user: string) => `?token=${await mintSessionToken(secretKey(SECRET), { userId: user })}`

describe('a second connection of the same user in the same session (SESSION_AUTH=required)', () => {
  it('replaces the first one with close 4000 instead of leaving a ghost', async () => {
    const watcher = await join('replace', 'watcher', await token('watcher'))
    const first = await join('replace', 'dana', await token('dana'))
    const second = await join('replace', 'dana', await token('dana'))
    const closed = await first.closed
    expect(closed.code).toBe(4000)
    expect(closed.reason).toMatch(/replaced/)
    expect(second.messages[0]).toMatchObject({ type: 'connection:ack', users: ['watcher', 'dana'] })

    // The session still has the user once; messages reach the new connection.
    const res = await fetch(`${relay().url}/api/sessions`)
    const body = (await res.json()) as {
      sessions: Array<{ session_id: string; users: Array<{ user_id: string }> }>
    }
    const room = body.sessions.find((s) => s.session_id === 'replace')
    expect(room?.users.map((u) => u.user_id)).toEqual(['watcher', 'dana'])
    watcher.send({ type: 'item:add', id: 'x' })
    await second.next((m) => m.type === 'item:add')
    // The replaced socket's close is not reported as the user leaving.
    watcher.send({ type: 'ping' })
    await watcher.next((m) => m.type === 'pong')
    expect(watcher.ofType('user:left')).toEqual([])
  })

  it('keeps the same user id in another session as a separate member', async () => {
    const a = await join('replace-a', 'erin', await token('erin'))
    const b = await join('replace-b', 'erin', await token('erin'))
    a.send({ type: 'ping' })
    b.send({ type: 'ping' })
    await a.next((m) => m.type === 'pong')
    await b.next((m) => m.type === 'pong')
    expect(a.closedWith).toBeUndefined()
    expect(b.closedWith).toBeUndefined()
  })
})
