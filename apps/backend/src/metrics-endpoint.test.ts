import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EnvError } from '@pp/contracts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { liveClient, rawRequest } from './test-support/clients.js'
import { sample } from './test-support/metrics.js'
import { listeningBackend, TEST_API_TOKEN, tempDir, testConfig, USER_B } from './test-support/temp.js'

type Listening = Awaited<ReturnType<typeof listeningBackend>>

const METRICS_TOKEN = 'scrape-only-token-0123456789'

describe('GET /metrics on a backend', () => {
  let b: Listening
  let dir = ''
  let cleanup = () => {}
  const scrape = (headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }) =>
    fetch(`${b.url}/metrics`, { headers })
  const text = async () => {
    const res = await scrape()
    expect(res.status).toBe(200)
    return res.text()
  }

  beforeEach(async () => {
    const t = tempDir()
    cleanup = t.cleanup
    dir = t.dir
    b = await listeningBackend(join(dir, 'a.db'), { METRICS_TOKEN })
  })
  afterEach(async () => {
    await b.app.close()
    cleanup()
  })

  it('answers the metrics token or the API token, and refuses anyone else', async () => {
    const bare = await scrape({})
    expect(bare.status).toBe(401)
    expect(bare.headers.get('www-authenticate')).toBe('Bearer')
    expect((await scrape({ authorization: 'Bearer not-the-token-0123456789' })).status).toBe(401)
    expect((await scrape({ authorization: `Bearer ${TEST_API_TOKEN}` })).status).toBe(200)
    const res = await scrape()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    // A foreign Host (DNS rebinding) is refused like on every other route.
    const rebound = await rawRequest(`${b.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}`, host: 'evil.example' },
    })
    expect(rebound.status).toBe(403)
  })

  it('the metrics token opens /metrics only, not the REST API', async () => {
    const res = await fetch(`${b.api}/friends`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    expect(res.status).toBe(401)
  })

  it('exposes the standard process and Node.js metrics under their usual names', async () => {
    const t = await text()
    expect(sample(t, 'process_cpu_seconds_total')).toBeGreaterThan(0)
    expect(sample(t, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(sample(t, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
    // prom-client's gauges named *_total (a counter's suffix) are left out.
    expect(t).not.toContain('nodejs_active_handles_total')
    // No relay link to report when collaboration is off.
    expect(t).not.toContain('backend_relay_link_up')
  })

  it('counts requests by route pattern and status, never by the raw path', async () => {
    const auth = { authorization: `Bearer ${TEST_API_TOKEN}` }
    await fetch(`${b.api}/friends`, { headers: auth })
    await fetch(`${b.api}/ideas/not-an-id-1234`, { headers: auth })
    await fetch(`${b.api}/no-such-route-5678`, { headers: auth })
    const t = await text()
    expect(
      sample(t, 'backend_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/friends',
        status: '200',
      }),
    ).toBe(1)
    expect(
      sample(t, 'backend_http_request_duration_seconds_count', { route: '/api/v1/ideas/:id', status: '400' }),
    ).toBe(1)
    expect(
      sample(t, 'backend_http_request_duration_seconds_count', { route: 'unmatched', status: '404' }),
    ).toBe(1)
    expect(t).not.toContain('not-an-id-1234')
    expect(t).not.toContain('no-such-route-5678')
  })

  it('reports the events waiting for each peer and the oldest one’s age', async () => {
    const before = await text()
    expect(sample(before, 'backend_outbox_pending', { peer: USER_B.id })).toBeUndefined()
    // A friend request to B while no relay link is up: one event waits in the outbox for B.
    const res = await fetch(`${b.api}/friends`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: USER_B.id }),
    })
    expect(res.status).toBeLessThan(300)
    const after = await text()
    expect(sample(after, 'backend_outbox_pending', { peer: USER_B.id })).toBe(1)
    expect(sample(after, 'backend_outbox_oldest_age_seconds', { peer: USER_B.id })).toBeGreaterThanOrEqual(0)
  })

  it('counts the browsers connected to the live channel', async () => {
    expect(sample(await text(), 'backend_live_clients')).toBe(0)
    const live = await liveClient(b.url, TEST_API_TOKEN)
    expect(sample(await text(), 'backend_live_clients')).toBe(1)
    live.close()
    await expect.poll(async () => sample(await text(), 'backend_live_clients'), { timeout: 10_000 }).toBe(0)
  })
})

describe('METRICS_TOKEN_FILE', () => {
  const t = tempDir()
  const db = join(t.dir, 'a.db')
  const lines = (env: Record<string, string>) => {
    try {
      testConfig(db, env)
      return []
    } catch (err) {
      if (err instanceof EnvError) return err.lines
      throw err
    }
  }

  it('reads the token from the file', () => {
    const file = join(t.dir, 'metrics-token')
    writeFileSync(file, `${METRICS_TOKEN}\n`)
    expect(testConfig(db, { METRICS_TOKEN_FILE: file }).metricsToken).toBe(METRICS_TOKEN)
  })

  it('refuses a missing or short file, and both the variable and the file', () => {
    const short = join(t.dir, 'short')
    writeFileSync(short, 'abc\n')
    expect(lines({ METRICS_TOKEN_FILE: join(t.dir, 'nope') })).toEqual([
      `METRICS_TOKEN_FILE: cannot read ${join(t.dir, 'nope')} (ENOENT)`,
    ])
    expect(lines({ METRICS_TOKEN_FILE: short })).toEqual([
      `METRICS_TOKEN_FILE: ${short} must hold at least 16 characters`,
    ])
    expect(lines({ METRICS_TOKEN: METRICS_TOKEN, METRICS_TOKEN_FILE: short })).toEqual([
      'METRICS_TOKEN_FILE: set METRICS_TOKEN or METRICS_TOKEN_FILE, not both',
    ])
    expect(lines({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN: must be at least 16 characters'])
  })
})
