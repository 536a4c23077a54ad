import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectBackend, type TestBackend, USER_A, USER_B, USER_C } from '../test-support/backend-client.js'
import { type Relay, startRelay, until } from '../test-support/relay.js'

describe('watch → presence, only between users who watch each other', () => {
  let relay: Relay
  const open: TestBackend[] = []
  const connect = async (user: typeof USER_A) => {
    const b = await connectBackend(relay.wsUrl, user)
    open.push(b)
    return b
  }
  beforeAll(async () => {
    relay = await startRelay()
  })
  afterEach(async () => {
    for (const b of open.splice(0)) b.close()
    await until('everyone gone', async () => {
      const users = (await (await fetch(`${relay.url}/api/users/online`)).json()) as unknown[]
      return users.length === 0
    })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('answers watch at once with a presence for each watched user online now who watches back', async () => {
    const b = await connect(USER_B)
    b.send({ type: 'watch', userIds: [USER_A.id] })
    const a = await connect(USER_A)
    const offline = '00000000-0000-0000-0000-0000000000ff'
    a.send({ type: 'watch', userIds: [USER_B.id, offline] })
    const p = await a.next('presence of B', (f) => f.type === 'presence')
    expect(p).toMatchObject({ type: 'presence', user: USER_B, online: true })
    expect(typeof p.at).toBe('string')
    expect(Number.isNaN(Date.parse(String(p.at)))).toBe(false)
    expect(a.of('presence')).toHaveLength(1)
    // B hears A came online once A's watch names B.
    await b.next('presence of A', (f) => f.type === 'presence')
    expect(b.of('presence')).toHaveLength(1)
  })

  it('tells a watcher nothing about a user who does not watch it back (a stranger)', async () => {
    const stranger = await connect(USER_C)
    const b = await connect(USER_B)
    b.send({ type: 'watch', userIds: [USER_A.id] })
    stranger.send({ type: 'watch', userIds: [USER_B.id, USER_A.id] })
    const a = await connect(USER_A)
    a.send({ type: 'watch', userIds: [USER_B.id] })
    await b.next('A online', (f) => f.type === 'presence')
    a.close()
    await b.next('A offline', (f) => f.type === 'presence' && f.online === false)
    // A round trip through the relay: everything about A and B has been sent by now.
    stranger.send({ type: 'watch', userIds: [USER_B.id] })
    b.send({ type: 'watch', userIds: [USER_A.id, USER_C.id] })
    await b.next(
      'C online (now mutual)',
      (f) => f.type === 'presence' && (f.user as { id: string }).id === USER_C.id,
    )
    expect(stranger.of('presence').map((f) => (f.user as { id: string }).id)).toEqual([USER_B.id])
  })

  it('tells watchers when a watched user comes and goes, and nobody else', async () => {
    const a = await connect(USER_A)
    const c = await connect(USER_C)
    a.send({ type: 'watch', userIds: [USER_B.id] })
    // C watches nobody. A watches B, who is not online yet: no presence.
    const b = await connect(USER_B)
    b.send({ type: 'watch', userIds: [USER_A.id] })
    const online = await a.next('B online', (f) => f.type === 'presence' && f.online === true)
    expect(online.user).toEqual(USER_B)
    b.close()
    const gone = await a.next('B offline', (f) => f.type === 'presence' && f.online === false)
    expect(gone.user).toEqual(USER_B)
    expect(c.of('presence')).toEqual([])
    expect(b.of('presence').map((f) => f.online)).toEqual([true])
  })

  it('replaces the watch list with the latest one', async () => {
    const a = await connect(USER_A)
    a.send({ type: 'watch', userIds: [USER_B.id] })
    a.send({ type: 'watch', userIds: [USER_C.id] })
    const c = await connect(USER_C)
    c.send({ type: 'watch', userIds: [USER_A.id] })
    await a.next('C online', (f) => f.type === 'presence' && (f.user as { id: string }).id === USER_C.id)
    const b = await connect(USER_B)
    b.send({ type: 'watch', userIds: [USER_A.id] })
    // A round trip through the relay proves B's connect and watch were handled before we look.
    await c.next('A online', (f) => f.type === 'presence')
    b.send({ type: 'watch', userIds: [USER_A.id] })
    await until('B handled', () => true)
    expect(a.of('presence').map((f) => (f.user as { id: string }).id)).toEqual([USER_C.id])
  })
})
