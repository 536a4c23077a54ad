import { DEV_JWT_SECRET } from '@pp/contracts'
import { jwtVerify } from 'jose'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { FakeRelay } from '../test-support/fake-relay.js'
import { waitFor } from '../test-support/processes.js'
import { USER_A } from '../test-support/temp.js'
import { fullJitter } from './backoff.js'
import { backendSocketUrl, RelayClient, relayHttpBase } from './relay-client.js'
import { mintRelayToken } from './token.js'

describe('the relay client', () => {
  const relays: FakeRelay[] = []
  const clients: RelayClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.stop()
    for (const r of relays.splice(0)) await r.stop()
  })

  async function relay(): Promise<FakeRelay> {
    const r = new FakeRelay()
    await r.start()
    relays.push(r)
    return r
  }

  function client(urls: string[]) {
    const ups: string[] = []
    let downs = 0
    const c = new RelayClient({
      urls,
      backendUrl: 'http://127.0.0.1:18000',
      log: pino({ level: 'silent' }),
      token: () => mintRelayToken(DEV_JWT_SECRET, USER_A.id, USER_A.displayName),
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

  it('presents a signed token naming its user and its backend URL', async () => {
    const r = await relay()
    const { c, ups } = client([r.url])
    c.start()
    await waitFor(() => ups.length === 1, 'welcome')
    expect(c.connected).toBe(true)
    const headers = r.upgrades[0] ?? {}
    expect(headers['x-backend-url']).toBe('http://127.0.0.1:18000')
    const token = (headers.authorization ?? '').replace('Bearer ', '')
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(DEV_JWT_SECRET))
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
    await first.drainAndStop()
    await waitFor(() => ups.length === 2, 'second welcome')
    expect(ups[1]).toBe(second.url)
  })

  it('reconnects forever when the relay goes away and comes back', async () => {
    const r = await relay()
    const port = r.port
    const { c, ups, downs } = client([r.url])
    c.start()
    await waitFor(() => ups.length === 1, 'welcome')
    await r.stop()
    await waitFor(() => downs() === 1, 'down')
    expect(c.connected).toBe(false)
    expect(c.send({ type: 'watch', userIds: [] })).toBe(false)
    await r.start(port)
    await waitFor(() => ups.length === 2, 'welcome again')
    expect(c.connected).toBe(true)
  })
})
