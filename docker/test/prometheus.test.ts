import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { parse } from 'yaml'

const PROMETHEUS_DIR = join(import.meta.dirname, '..', 'prometheus')
const COMPOSE = join(import.meta.dirname, '..', 'compose.yml')

const promtool = (...args: string[]) => {
  const r = spawnSync('promtool', args, { encoding: 'utf8' })
  expect(r.error).toBeUndefined()
  return { status: r.status, output: `${r.stdout}${r.stderr}` }
}

const dir = mkdtempSync(join(tmpdir(), 'pp-prometheus-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('the scrape config is valid, with every file it names (rules, CA, tokens) in place', () => {
  // The config names compose secrets under /run/secrets: check a copy whose secrets are temp files.
  const secrets = join(dir, 'secrets')
  mkdirSync(secrets)
  for (const name of ['operator_token', 'metrics_token', 'relay_ca'])
    writeFileSync(join(secrets, name), 'x\n')
  const config = readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8').replaceAll(
    '/run/secrets/',
    `${secrets}/`,
  )
  writeFileSync(join(dir, 'prometheus.yml'), config)
  copyFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), join(dir, 'alerts.yml'))
  const r = promtool('check', 'config', '--lint=all', join(dir, 'prometheus.yml'))
  expect(r.output).toContain('SUCCESS')
  expect(r.status).toBe(0)
})

test('the alert rules are valid and lint-clean', () => {
  const r = promtool('check', 'rules', '--lint=all', '--lint-fatal', join(PROMETHEUS_DIR, 'alerts.yml'))
  expect(r.output).toContain('SUCCESS: 6 rules found')
  expect(r.status).toBe(0)
})

test('every alert fires when it should and not before (promtool test rules)', () => {
  const r = promtool('test', 'rules', join(PROMETHEUS_DIR, 'alerts.test.yml'))
  expect(r.output).toContain('SUCCESS')
  expect(r.status).toBe(0)
  // Each alert has a unit test.
  const rules = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.yml'), 'utf8')) as {
    groups: Array<{ rules: Array<{ alert: string }> }>
  }
  const tests = parse(readFileSync(join(PROMETHEUS_DIR, 'alerts.test.yml'), 'utf8')) as {
    tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }>
  }
  const firing = new Set(
    tests.tests.flatMap((t) =>
      t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
    ),
  )
  for (const { alert } of rules.groups.flatMap((g) => g.rules)) expect(firing).toContain(alert)
})

test('Prometheus scrapes every relay and every backend that compose runs, on their ports', () => {
  type Service = { build?: { dockerfile?: string }; environment?: Record<string, string> }
  const compose = parse(readFileSync(COMPOSE, 'utf8'), { merge: true }) as {
    services: Record<string, Service>
  }
  const of = (dockerfile: string) =>
    Object.entries(compose.services)
      .filter(([, s]) => s.build?.dockerfile === dockerfile)
      .map(([name, s]) => `${name}:${s.environment?.PORT ?? '9000'}`)
      .sort()
  const scrape = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as {
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>
  }
  const targets = (job: string) =>
    (scrape.scrape_configs.find((c) => c.job_name === job)?.static_configs ?? [])
      .flatMap((c) => c.targets)
      .sort()
  expect(targets('relay')).toEqual(of('docker/collab.Dockerfile'))
  expect(targets('backend')).toEqual(of('docker/backend.Dockerfile'))
  expect(targets('relay')).toHaveLength(2)
  expect(targets('backend')).toHaveLength(2)
})
