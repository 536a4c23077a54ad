import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { until } from '@pp/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { exposedNames, metricNames, PROMETHEUS_OWN } from './promql.js'
import { freePort, type Service, startService } from './services.js'

const require = createRequire(import.meta.url)

const DOCKER_DIR = join(import.meta.dirname, '..')
const METRICS_TOKEN = 'scrape-only-token-for-the-test'

/** Every metric the alert rules and the dashboard's panels read. */
function namedMetrics(): Map<string, string> {
  const where = new Map<string, string>()
  const rules = parse(readFileSync(join(DOCKER_DIR, 'prometheus', 'alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string }> }>
  }
  for (const r of rules.groups.flatMap((g) => g.rules))
    for (const name of metricNames(r.expr)) where.set(name, `alert ${r.alert}`)
  const dashboard = JSON.parse(
    readFileSync(join(DOCKER_DIR, 'grafana', 'dashboards', 'portfolio-planner.json'), 'utf8'),
  ) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> }
  for (const p of dashboard.panels)
    for (const t of p.targets ?? [])
      for (const name of metricNames(t.expr)) where.set(name, `panel "${p.title}"`)
  return where
}

// A real relay and a real backend linked to it (built: `pnpm build`), scraped as Prometheus would.
describe('the live /metrics of a relay and a backend', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-live-metrics-'))
  let relay: Service
  let backend: Service
  let relayText = ''
  let backendText = ''

  beforeAll(async () => {
    const relayPort = await freePort()
    relay = await startService(
      require.resolve('@pp/collab/server'),
      { PORT: String(relayPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      join(dir, 'relay.log'),
      `http://127.0.0.1:${relayPort}`,
    )
    const backendPort = await freePort()
    backend = await startService(
      require.resolve('@pp/backend/server'),
      {
        PORT: String(backendPort),
        HOST: '127.0.0.1',
        DATABASE_URL: `file:${join(dir, 'a.db')}`,
        BACKEND_USER_ID: '00000000-0000-0000-0000-000000000001',
        BACKEND_DISPLAY_NAME: 'User A',
        ENABLE_COLLABORATION: 'true',
        COLLABORATION_SERVICE_URL: relay.url,
        METRICS_TOKEN,
        LOG_LEVEL: 'warn',
      },
      join(dir, 'backend.log'),
      `http://127.0.0.1:${backendPort}`,
    )
    // Scraped once the backend's link is up, as a running stack would be.
    backendText = await until(
      "the backend's relay link up in its /metrics",
      async () => {
        const text = await (
          await fetch(`${backend.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
        ).text()
        return /^backend_relay_link_up 1$/m.test(text) ? text : undefined
      },
      { intervalMs: 100 },
    )
    relayText = await (await fetch(`${relay.url}/metrics`)).text()
  })
  afterAll(async () => {
    await backend?.stop()
    await relay?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  for (const [service, text] of [
    ['relay', () => relayText],
    ['backend', () => backendText],
  ] as const) {
    it(`the ${service}'s exposition passes promtool check metrics (its lint included)`, () => {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text(), encoding: 'utf8' })
      expect(r.error).toBeUndefined()
      expect(`${r.stdout}${r.stderr}`).toBe('')
      expect(r.status).toBe(0)
    })

    it(`the ${service} exposes the standard process_* and nodejs_* metrics`, () => {
      const names = exposedNames(text())
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
        'nodejs_eventloop_lag_p99_seconds',
      ])
        expect(names).toContain(name)
    })
  }

  it('the backend shows its link to the relay up', () => {
    expect(backendText).toMatch(/^backend_relay_link_up 1$/m)
  })

  it('every metric an alert rule or a dashboard panel reads is exposed by a relay or a backend', () => {
    const exposed = new Set([...exposedNames(relayText), ...exposedNames(backendText), ...PROMETHEUS_OWN])
    const named = namedMetrics()
    expect(named.size).toBeGreaterThan(20)
    const missing = [...named]
      .filter(([name]) => !exposed.has(name))
      .map(([name, where]) => `${name} (${where})`)
    expect(missing).toEqual([])
  })
})
