import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BackendApp } from '../app.js'
import { AUTH_HEADER, localBackend, tempDir, USER_B } from '../test-support/temp.js'

const RECEIVED = '01900000-0000-7000-8000-0000000000b1'

describe('REST /api/v1 (local, no relay)', () => {
  let b: BackendApp
  let cleanup = () => {}

  beforeEach(async () => {
    const t = tempDir()
    cleanup = t.cleanup
    b = await localBackend(join(t.dir, 'a.db'))
    await b.app.ready()
    const now = new Date()
    await b.db.idea.create({
      data: {
        id: RECEIVED,
        ownerId: USER_B.id,
        ownerName: USER_B.displayName,
        symbol: 'MSFT',
        strategy: 'Stock',
        status: 'Open',
        tags: '[]',
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
    })
  })
  afterEach(async () => {
    await b.app.close()
    cleanup()
  })

  const inject = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    b.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: AUTH_HEADER,
      ...(payload === undefined ? {} : { payload: payload as object }),
    })

  it('creates, lists, patches and deletes an idea', async () => {
    const created = await inject('POST', '/ideas', {
      symbol: 'aapl',
      strategy: 'Covered Call',
      status: 'Planned',
    })
    expect(created.statusCode).toBe(201)
    const idea = created.json()
    expect(idea).toMatchObject({ symbol: 'AAPL', tags: [], notes: '', version: 1, readOnly: false })
    expect((await inject('GET', '/ideas')).json()).toHaveLength(1)
    const patched = await inject('PATCH', `/ideas/${idea.id}`, {
      tags: ['bullish', 'short-term'],
      status: 'Watching',
    })
    expect(patched.json()).toMatchObject({ tags: ['bullish', 'short-term'], status: 'Watching', version: 2 })
    expect((await inject('DELETE', `/ideas/${idea.id}`)).statusCode).toBe(204)
    expect((await inject('GET', `/ideas/${idea.id}`)).statusCode).toBe(404)
  })

  it('answers bad input with 400 naming the field', async () => {
    const r = await inject('POST', '/ideas', { symbol: '!!', strategy: 'Covered Call', status: 'Planned' })
    expect(r.statusCode).toBe(400)
    expect(r.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', field: 'symbol' })
    expect(
      (await inject('POST', '/ideas', { symbol: 'A', strategy: 'Covered Call', status: 'Nope' })).json()
        .field,
    ).toBe('status')
    expect(
      (await inject('POST', '/ideas', { symbol: 'A', strategy: 'Covered Call', status: 'Open', x: 1 }))
        .statusCode,
    ).toBe(400)
    expect((await inject('POST', '/ideas')).json()).toMatchObject({ statusCode: 400, field: 'body' })
    expect((await inject('GET', '/ideas/not-a-uuid')).json()).toMatchObject({ statusCode: 400, field: 'id' })
    expect((await inject('POST', '/friends', { userId: 'x' })).json().field).toBe('userId')
    // Ids longer than the router takes are bad ids too, not a bare 414.
    const long = 'a'.repeat(3000)
    expect((await inject('GET', `/ideas/${long}`)).json()).toMatchObject({ statusCode: 400, field: 'id' })
    expect((await inject('POST', `/ideas/${long}/comments`, { body: 'hi' })).json()).toMatchObject({
      statusCode: 400,
      field: 'id',
    })
    expect((await inject('DELETE', `/friends/${long}`)).json()).toMatchObject({
      statusCode: 400,
      field: 'userId',
    })
    // A body over the 1 MiB limit: 413 in the usual shape, naming the body.
    const huge = await inject('POST', '/ideas', {
      symbol: 'A',
      strategy: 'Stock',
      status: 'Open',
      notes: 'n'.repeat(1_100_000),
    })
    expect(huge.statusCode).toBe(413)
    expect(huge.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large', field: 'body' })
    const raw = await b.app.inject({
      method: 'POST',
      url: '/api/v1/ideas',
      headers: { ...AUTH_HEADER, 'content-type': 'application/json' },
      payload: '{oops',
    })
    expect(raw.json()).toMatchObject({ statusCode: 400, field: 'body' })
  })

  it('answers unknown ids with 404', async () => {
    const unknown = '01900000-0000-7000-8000-0000000000ff'
    expect((await inject('GET', `/ideas/${unknown}`)).statusCode).toBe(404)
    expect((await inject('PATCH', `/ideas/${unknown}`, { status: 'Open' })).statusCode).toBe(404)
    expect((await inject('DELETE', `/ideas/${unknown}`)).statusCode).toBe(404)
    expect((await inject('GET', `/ideas/${unknown}/comments`)).statusCode).toBe(404)
    expect((await inject('POST', `/ideas/${unknown}/comments`, { body: 'hi' })).statusCode).toBe(404)
    expect((await inject('PUT', `/ideas/${unknown}/shares`, { userIds: [] })).statusCode).toBe(404)
    expect((await inject('POST', `/notifications/${unknown}/read`)).statusCode).toBe(404)
    expect((await inject('POST', `/friends/${unknown}/accept`)).statusCode).toBe(404)
    expect((await inject('DELETE', `/friends/${unknown}`)).statusCode).toBe(404)
  })

  it('keeps a received idea read-only: 403 on patch, delete and shares', async () => {
    expect((await inject('GET', `/ideas/${RECEIVED}`)).json()).toMatchObject({
      readOnly: true,
      owner: USER_B,
    })
    expect((await inject('GET', '/shared')).json()).toMatchObject([{ id: RECEIVED, readOnly: true }])
    expect((await inject('GET', '/ideas')).json()).toEqual([])
    expect((await inject('PATCH', `/ideas/${RECEIVED}`, { status: 'Closed' })).statusCode).toBe(403)
    expect((await inject('DELETE', `/ideas/${RECEIVED}`)).statusCode).toBe(403)
    expect((await inject('PUT', `/ideas/${RECEIVED}/shares`, { userIds: [] })).statusCode).toBe(403)
    expect((await inject('GET', `/ideas/${RECEIVED}/shares`)).statusCode).toBe(403)
    // Commenting on a received idea is allowed: pending until the owner confirms it.
    const c = await inject('POST', `/ideas/${RECEIVED}/comments`, { body: 'Great setup!' })
    expect(c.statusCode).toBe(201)
    expect(c.json()).toMatchObject({ pending: true, body: 'Great setup!' })
    expect(await b.db.outbox.count({ where: { recipientId: USER_B.id, type: 'comment_added' } })).toBe(1)
  })

  it('shares only with friends (400 naming the user)', async () => {
    const idea = (
      await inject('POST', '/ideas', { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    ).json()
    const r = await inject('PUT', `/ideas/${idea.id}/shares`, { userIds: [USER_B.id] })
    expect(r.statusCode).toBe(400)
    expect(r.json()).toMatchObject({ field: 'userIds.0' })
    expect(r.json().message).toContain(USER_B.id)
    await b.db.friend.create({ data: { userId: USER_B.id, displayName: 'User B', status: 'accepted' } })
    const ok = await inject('PUT', `/ideas/${idea.id}/shares`, { userIds: [USER_B.id] })
    expect(ok.json()).toEqual({ userIds: [USER_B.id], added: [USER_B.id], removed: [] })
    expect((await inject('GET', `/ideas/${idea.id}/shares`)).json()).toEqual({ userIds: [USER_B.id] })
    // Every share list of my ideas at once (a received idea's is not mine to list).
    expect((await inject('GET', '/shares')).json()).toEqual([{ ideaId: idea.id, userIds: [USER_B.id] }])
    expect((await inject('PUT', `/ideas/${idea.id}/shares`, { userIds: [] })).json()).toEqual({
      userIds: [],
      added: [],
      removed: [USER_B.id],
    })
    expect((await inject('GET', '/shares')).json()).toEqual([])
    const types = (await b.db.outbox.findMany({ orderBy: { seq: 'asc' } })).map((r) => r.type)
    expect(types).toEqual(['position_shared', 'share_revoked'])
  })

  it('serves health, me, positions, notifications, collab status and the OpenAPI document', async () => {
    expect((await b.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({
      status: 'healthy',
      collaboration: { enabled: false, connected: false },
    })
    expect((await inject('GET', '/me')).json()).toEqual({
      id: '00000000-0000-0000-0000-000000000001',
      displayName: 'User A',
      fingerprint: expect.stringMatching(/^[0-9A-F]{4}( [0-9A-F]{4}){4}$/),
    })
    expect((await inject('GET', '/positions')).json().length).toBeGreaterThan(0)
    expect((await inject('GET', '/notifications')).json()).toEqual([])
    expect((await inject('GET', '/users/online')).json()).toEqual([])
    expect((await inject('GET', '/collab/status')).json()).toMatchObject({
      enabled: false,
      connected: false,
      peers: [],
    })
    const doc = (await b.app.inject({ method: 'GET', url: '/docs/json' })).json()
    expect(Object.keys(doc.paths)).toContain('/api/v1/ideas/{id}/shares')
    expect(
      doc.paths['/api/v1/ideas'].post.requestBody.content['application/json'].schema.properties.symbol,
    ).toBeDefined()
  })
})
