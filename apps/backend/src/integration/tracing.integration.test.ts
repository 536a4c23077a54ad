import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { liveClient, rest } from '../test-support/clients.js'
import { type Proc, spawnBackend, spawnRelay, stopAll, waitFor } from '../test-support/processes.js'
import { tempDir, USER_A, USER_B } from '../test-support/temp.js'
import { type Idea, makeFriends } from './helpers.js'

type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string }
type OtlpBody = {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }
    scopeSpans: Array<{ spans: OtlpSpan[] }>
  }>
}
type Recorded = OtlpSpan & { service: string }

/**
 * One comment is one trace across three processes: the browser's `traceparent` on the REST call, the
 * author's backend, the relay, the recipient's backend and its push to the browser. The relay and both
 * backends export over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT) to a collector in this test, which keeps
 * what it receives in memory.
 */
describe('tracing: one comment, one trace', () => {
  const t = tempDir()
  const spans: Recorded[] = []
  let collector: Server
  let a: Proc & { api: string; token: string; port: number }
  let b: Proc & { api: string; token: string; port: number }
  let relay: Proc

  beforeAll(async () => {
    collector = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => {
        body += d.toString('utf8')
      })
      req.on('end', () => {
        const parsed = JSON.parse(body) as OtlpBody
        for (const rs of parsed.resourceSpans) {
          const service =
            rs.resource.attributes.find((x) => x.key === 'service.name')?.value.stringValue ?? ''
          for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ ...s, service })
        }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{}')
      })
    })
    await new Promise<void>((ready) => collector.listen(0, '127.0.0.1', () => ready()))
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    }
    relay = await spawnRelay(t.dir, 'relay', undefined, undefined, otel)
    a = await spawnBackend({ user: USER_A, dir: t.dir, name: 'a', relayUrls: [relay.url], env: otel })
    b = await spawnBackend({ user: USER_B, dir: t.dir, name: 'b', relayUrls: [relay.url], env: otel })
    await makeFriends(rest(a.api, a.token), rest(b.api, b.token), USER_A.id, USER_B.id)
  })
  afterAll(async () => {
    await stopAll()
    await Promise.all([a?.stop(), b?.stop(), relay?.stop()])
    collector?.close()
    t.cleanup()
  })

  it('carries the browser’s traceparent through backend, relay, backend and its browser event', async () => {
    const A = rest(a.api, a.token)
    const idea = await A.ok<Idea>('POST', '/ideas', { symbol: 'AAPL', strategy: 'Stock', status: 'Open' })
    await A.ok('PUT', `/ideas/${idea.id}/shares`, { userIds: [USER_B.id] })
    await waitFor(
      async () => (await rest(b.api, b.token).call('GET', `/ideas/${idea.id}`)).status === 200,
      'shared',
    )
    const browserB = await liveClient(`http://127.0.0.1:${b.port}`, b.token)
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
      const browserSpan = '00f067aa0ba902b7'
      const res = await fetch(`${a.api}/ideas/${idea.id}/comments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${a.token}`,
          'content-type': 'application/json',
          traceparent: `00-${traceId}-${browserSpan}-01`,
        },
        body: JSON.stringify({ body: 'traced' }),
      })
      expect(res.status).toBe(201)
      await waitFor(
        () => browserB.events.some((e) => e.name === 'comment:upserted'),
        'the comment in B’s browser',
      )
      const trace = await waitFor(() => {
        const mine = spans.filter((s) => s.traceId === traceId)
        const names = new Set(mine.map((s) => `${s.service} ${s.name}`))
        const expected = ['relay route comment_added', 'backend apply comment_added']
        return expected.every((n) => names.has(n)) &&
          mine.filter((s) => s.name === 'live comment:upserted').length >= 2
          ? mine
          : undefined
      }, 'the spans of the comment')
      const byName = (service: string, name: string) => {
        const s = trace.find((x) => x.service === service && x.name === name)
        if (!s)
          throw new Error(
            `no ${service} span "${name}" in ${JSON.stringify(trace.map((x) => [x.service, x.name]))}`,
          )
        return s
      }
      const request = byName('backend', 'POST /api/v1/ideas/:id/comments')
      const send = byName('backend', 'send comment_added')
      const route = byName('relay', 'route comment_added')
      const apply = byName('backend', 'apply comment_added')
      // B's push is the one under B's apply (A pushes its own copy to A's browser too).
      const push = trace.find((x) => x.name === 'live comment:upserted' && x.parentSpanId === apply.spanId)
      // Each the child of the one before: browser → A's request → A's send → relay → B's apply → B's push.
      expect(request.parentSpanId).toBe(browserSpan)
      expect(send.parentSpanId).toBe(request.spanId)
      expect(route.parentSpanId).toBe(send.spanId)
      expect(apply.parentSpanId).toBe(route.spanId)
      expect(push).toBeDefined()
      // Three processes took part.
      expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['backend', 'relay']))
      expect(trace.filter((s) => s.service === 'backend').length).toBeGreaterThanOrEqual(4)
    } finally {
      browserB.close()
    }
  })
})
