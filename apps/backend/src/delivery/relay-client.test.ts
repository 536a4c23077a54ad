import { relayToken } from '@pp/test-kit'
import { jwtVerify } from 'jose'
import { pino } from 'pino'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { type Proc, spawnRelay, stopAll, TEST_SECRET, waitFor } from '../test-support/processes.js'
import { tempDir, USER_A } from '../test-support/temp.js'
import { AFTER_DRAIN_CAP_MS, fullJitter, RECONNECT_CAP_MS, reconnectDelayMs } from './backoff.js'
import { backendSocketUrl, RelayClient, relayHttpBase } from './relay-client.js'

describe('the relay client', () => {
  const tmp = tempDir()
  const clients: RelayClient[] = []
  let relayCount = 0
  afterEach(async () => {
    for (const c of clients.splice(0)) c.stop()
    await stopAll()
  })
  afterAll(() => tmp.cleanup())

  /** A real relay process (apps/collab/dist/server.js) on a free port. */
  function relay(): Promise<Proc & { port: number }> {
    relayCount += 1
    return spawnRelay(tmp.dir, `relay-${relayCount}`)
  }

  const token = () => relayToken(USER_A, { secret: TEST_SECRET })

  function client(urls: string[]) {
    const ups: string[] = []
    let downs = 0
    const c = new RelayClient({
      urls,
      backendUrl: 'http://127.0.0.1:18000',
      log: pino({ level: 'silent' }),
      token,
      handlers: {
        onUp: ({ relayUrl }) => ups.push(relayUrl),
        onDown: () => {
          downs += 1
        },
        onFrame: () => {},
        onInvalidEvent: () => {},
      },
    })
    clients.push(c)
    return { c, ups, downs: () => downs }
  }

  it('derives the socket URL from the guide’s http:// URL', () => {
    expect(backendSocketUrl('http://localhost:9000')).toBe('ws://localhost:9000/v1/backends')
    expect(backendSocketUrl('https://relay.example/')).toBe('wss://relay.example/v1/backends')
    expect(relayHttpBase('ws://localhost:9000')).toBe('http://localhost:9000')
  })

  it('backs off with full jitter from 250 ms to a 5 s cap', () => {
    expect(fullJitter(0, 250, 5000, () => 0.999)).toBeLessThan(250)
    expect(fullJitter(3, 250, 5000, () => 0.999)).toBeLessThan(2000)
    expect(fullJitter(50, 250, 5000, () => 0.999)).toBeLessThan(5000)
    expect(fullJitter(50, 250, 5000, () => 0.999)).toBeGreaterThan(4900)
    expect(fullJitter(5, 250, 5000, () => 0)).toBe(0)
  })

  it('retries at most a second apart until a drained relay is back, else at most 2.5 s apart', () => {
    const high = () => 0.999
    expect(reconnectDelayMs(50, 2000, high)).toBeLessThan(AFTER_DRAIN_CAP_MS)
    expect(reconnectDelayMs(50, 2000, high)).toBeGreaterThan(AFTER_DRAIN_CAP_MS - 10)
    // However long the restart takes.
    expect(reconnectDelayMs(50, 10 * 60_000, high)).toBeLessThan(AFTER_DRAIN_CAP_MS)
    // No drain (a crash, a network cut): the guide wants the link back within 3 s of the relay.
    expect(reconnectDelayMs(50, -1, high)).toBeLessThan(RECONNECT_CAP_MS)
    expect(reconnectDelayMs(50, -1, high)).toBeGreaterThan(RECONNECT_CAP_MS - 10)
    expect(RECONNECT_CAP_MS).toBeLessThan(3000)
  })

  it('presents a signed token naming its user and its backend URL, which the relay accepts', async () => {
    const r = await relay()
    const { c, ups } = client([r.url])
    c.start()
    await waitFor(() => ups.length === 1, 'welcome')
    expect(c.connected).toBe(true)
    const online = (await (await fetch(`${r.url}/api/users/online`)).json()) as {
      id: string
      displayName: string
      backendUrl: string
    }[]
    expect(online).toEqual([
      expect.objectContaining({ id: USER_A.id, displayName: 'User A', backendUrl: 'http://127.0.0.1:18000' }),
    ])
    const { payload, protectedHeader } = await jwtVerify(await token(), new TextEncoder().encode(TEST_SECRET))
    expect(protectedHeader.alg).toBe('HS256')
    expect(payload).toMatchObject({ sub: USER_A.id, name: USER_A.displayName })
    expect(payload.exp).toBeGreaterThan(Date.now() / 1000 + 86_400)
  })

  it('moves to the next relay in the list at once on drain', async () => {
    const first = await relay()
    const second = await relay()
    const { c, ups } = client([first.url, second.url])
    c.start()
    await waitFor(() => ups.length === 1, 'first welcome')
    expect(ups[0]).toBe(first.url)
    await first.stop() // SIGTERM: the relay sends `drain` before it closes
    await waitFor(() => ups.length === 2, 'second welcome')
    expect(ups[1]).toBe(second.url)
  })

  it('reconnects forever when the relay goes away and comes back', async () => {
    const r = await relay()
    const { c, ups, downs } = client([r.url])
    c.start()
    await waitFor(() => ups.length === 1, 'welcome')
    await r.kill()
    await waitFor(() => downs() === 1, 'down')
    expect(c.connected).toBe(false)
    expect(c.send({ type: 'watch', userIds: [] })).toBe(false)
    await r.start()
    await waitFor(() => ups.length === 2, 'welcome again')
    expect(c.connected).toBe(true)
  })
})
