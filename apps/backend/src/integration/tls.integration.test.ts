import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { liveClient, rest } from '../test-support/clients.js'
import { type Proc, spawnBackend, stopAll, waitFor } from '../test-support/processes.js'
import { type RelayHandle, startRelay } from '../test-support/relay.js'
import { tempDir, USER_A, USER_B, USER_C } from '../test-support/temp.js'
import { generateTestTls, type TestTls } from '../test-support/tls.js'
import { type Comment, type Idea, makeFriends } from './helpers.js'

type Health = { collaboration: { enabled: boolean; connected: boolean } }

describe('TLS: relay and backends over https/wss with a throwaway CA', () => {
  const t = tempDir()
  let tls: TestTls
  let relay: RelayHandle
  let a: Proc & { api: string; token: string }
  let b: Proc & { api: string; token: string }
  let liveB: Awaited<ReturnType<typeof liveClient>>
  const A = () => rest(a.api, a.token, tls.ca)
  const B = () => rest(b.api, b.token, tls.ca)

  beforeAll(async () => {
    tls = generateTestTls(t.dir)
    relay = await startRelay(t.dir, 'relay', tls)
    ;[a, b] = await Promise.all([
      spawnBackend({ user: USER_A, dir: t.dir, name: 'a', relayUrls: [relay.url], tls }),
      spawnBackend({ user: USER_B, dir: t.dir, name: 'b', relayUrls: [relay.url], tls }),
    ])
  })
  afterAll(async () => {
    liveB?.close()
    await stopAll()
    t.cleanup()
  })

  it('serves https and links to the wss:// relay with COLLAB_CA_FILE', async () => {
    expect(relay.url.startsWith('https://')).toBe(true)
    expect(a.url.startsWith('https://')).toBe(true)
    await waitFor(async () => (await A().get<Health>('/health')).collaboration.connected, 'A linked')
    await waitFor(async () => (await B().get<Health>('/health')).collaboration.connected, 'B linked')
    // The relay's directory over https, trusted with the same CA.
    const online = await waitFor(async () => {
      const users = await A().get<Array<{ id: string }>>('/users/online')
      return users.length >= 2 ? users : undefined
    }, 'online users over https')
    expect(online.map((u) => u.id)).toEqual(expect.arrayContaining([USER_A.id, USER_B.id]))
  })

  it('plays friends, a shared idea and a comment over https/wss, live at the other backend', async () => {
    await makeFriends(A(), B(), USER_A.id, USER_B.id)
    liveB = await liveClient(b.url, b.token, tls.ca)
    const idea = await A().ok<Idea>('POST', '/ideas', {
      symbol: 'AAPL',
      strategy: 'Covered Call',
      status: 'Open',
    })
    await A().ok('PUT', `/ideas/${idea.id}/shares`, { userIds: [USER_B.id] })
    const shared = await waitFor(
      async () => (await B().get<Idea[]>('/shared')).find((i) => i.id === idea.id),
      'AAPL at B',
    )
    expect(shared).toMatchObject({ symbol: 'AAPL', readOnly: true, owner: USER_A })
    const comment = await A().ok<Comment>('POST', `/ideas/${idea.id}/comments`, { body: 'over TLS' })
    const atB = await waitFor(
      async () => (await B().get<Comment[]>(`/ideas/${idea.id}/comments`)).find((c) => c.id === comment.id),
      'comment at B',
    )
    expect(atB).toMatchObject({ body: 'over TLS', author: USER_A })
    await waitFor(
      () =>
        liveB.events.some((e) => e.name === 'comment:upserted' && (e.payload as Comment).id === comment.id),
      'live comment at B over wss',
    )
  })

  it('the sign-in link sets a Secure session cookie over https', async () => {
    const { code } = await A().ok<{ code: string }>('POST', '/auth/sign-in-codes')
    const cookie = await new Promise<string[]>((resolve, reject) => {
      const req = request(
        `${a.api}/auth/session`,
        { method: 'POST', ca: tls.ca, headers: { 'content-type': 'application/json' } },
        (r) => {
          r.resume()
          if (r.statusCode !== 204) reject(new Error(`POST /auth/session → ${r.statusCode}`))
          else resolve(r.headers['set-cookie'] ?? [])
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify({ code }))
    })
    expect(cookie).toHaveLength(1)
    expect(cookie[0]).toMatch(/;\s*Secure/i)
  })

  it('a backend without COLLAB_CA_FILE cannot link to the TLS relay and says why', async () => {
    const c = await spawnBackend({ user: USER_C, dir: t.dir, name: 'c', relayUrls: [relay.url] })
    const log = join(t.dir, 'c.log')
    await waitFor(
      () => readFileSync(log, 'utf8').includes('relay certificate error'),
      'certificate error logged',
    )
    const health = await rest(c.api, c.token).get<Health>('/health')
    expect(health.collaboration).toMatchObject({ enabled: true, connected: false })
  })
})
