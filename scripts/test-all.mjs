#!/usr/bin/env node
// `pnpm test`: checks (as root with apt: installs) the system packages the suites need, builds
// everything, runs every package's tests one package at a time (they start real processes and share two
// cores), then prints one line of totals: "N passed, N failed".
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ensureSystemPackages } from './system-packages.mjs'

const root = resolve(import.meta.dirname, '..')
const reports = join(root, 'reports')
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })

// Order: the contract, the relay, the backend, the web app, then the suites that start whole stacks.
const suites = [
  ['@pp/contracts', 'packages/contracts'],
  ['@pp/telemetry', 'packages/telemetry'],
  ['@pp/test-kit', 'packages/test-kit'],
  ['@pp/collab', 'apps/collab'],
  ['@pp/backend', 'apps/backend'],
  ['@pp/web', 'apps/web'],
  ['@pp/docker', 'docker'],
  ['@pp/chaos', 'chaos'],
  ['@pp/e2e', 'e2e'],
].filter(([, dir]) => {
  const pkg = join(root, dir, 'package.json')
  return existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test
})

const only = process.argv.slice(2)
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1

if (!ensureSystemPackages()) {
  console.log('system packages missing')
  console.log('0 passed, 1 failed')
  process.exit(1)
}

if (run('pnpm', ['build']) !== 0) {
  console.log('build failed')
  console.log('0 passed, 1 failed')
  process.exit(1)
}

let passed = 0
let failed = 0
const lines = []
for (const [name, dir] of suites) {
  if (only.length > 0 && !only.some((o) => name.includes(o) || dir.includes(o))) continue
  const file = join(reports, `${name.replace('@pp/', '')}.json`)
  console.log(`\n=== ${name} ===`)
  const status = run('pnpm', ['--filter', name, 'test'], {
    PP_REPORT_FILE: file,
    PLAYWRIGHT_JSON_OUTPUT_NAME: file,
  })
  let p = 0
  let f = 0
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8'))
    if (r.stats) {
      // Playwright
      p = (r.stats.expected ?? 0) + (r.stats.flaky ?? 0)
      f = r.stats.unexpected ?? 0
    } else {
      p = r.numPassedTests ?? 0
      f = r.numFailedTests ?? 0
    }
  }
  if (status !== 0 && f === 0) f = 1 // the suite failed outside any test (crash, setup, timeout)
  passed += p
  failed += f
  lines.push(`${name}: ${p} passed, ${f} failed`)
}
console.log('\n=== totals ===')
for (const l of lines) console.log(l)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 ? 1 : 0)
