import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'

// `pnpm test`'s first step (scripts/system-packages.mjs): the Debian packages the suites need are checked,
// installed with apt as root, or named in one `apt-get install` line. Chromium is made "missing" by
// pointing PLAYWRIGHT_CHROMIUM_PATH at a file that is not there; apt-get is a stand-in that logs its calls.
const root = resolve(import.meta.dirname, '..', '..')
const script = join(root, 'scripts', 'system-packages.mjs')
const asRoot = process.getuid?.() === 0

let dir = ''
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pp-syspkg-'))
})
test.afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A fake apt-get first on PATH: logs each call (with DEBIAN_FRONTEND), `install` creates `creates`. */
function fakeApt(opts: { creates?: string; fails?: boolean }) {
  const log = join(dir, 'apt.log')
  writeFileSync(
    join(dir, 'apt-get'),
    `#!/bin/sh\necho "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> ${log}\n${
      opts.fails ? 'exit 100\n' : ''
    }if [ "$1" = install ] && [ -n "${opts.creates ?? ''}" ]; then touch ${opts.creates ?? ''}; fi\n`,
  )
  chmodSync(join(dir, 'apt-get'), 0o755)
  return () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [])
}

/**
 * Runs the check. `as: 'root'` runs it as root: as itself when this runs as root, else with getuid()
 * answering 0 (apt-get is the stand-in either way, so nothing is installed for real).
 */
function check(env: Record<string, string>, opts: { user?: string; as?: 'root' } = {}) {
  const { user } = opts
  const fakeRoot = opts.as === 'root' && !asRoot ? ['--import=data:text/javascript,process.getuid=()=>0'] : []
  const cmd = user
    ? ['runuser', ['-u', user, '--', process.execPath, script]]
    : [process.execPath, [...fakeRoot, script]]
  const r = spawnSync(cmd[0] as string, cmd[1] as string[], {
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, ...env },
    encoding: 'utf8',
  })
  return { status: r.status, output: `${r.stdout}${r.stderr}` }
}

test('with everything present it does nothing', () => {
  const calls = fakeApt({})
  const r = check({})
  expect(r.status).toBe(0)
  expect(calls()).toEqual([])
})

test('not root: it names the one apt-get line to run and fails', () => {
  const calls = fakeApt({})
  const r = asRoot
    ? check({ PLAYWRIGHT_CHROMIUM_PATH: join(dir, 'chromium') }, { user: 'nobody' })
    : check({ PLAYWRIGHT_CHROMIUM_PATH: join(dir, 'chromium') })
  expect(r.status).toBe(1)
  expect(r.output).toContain('missing system package chromium')
  expect(r.output).toContain('apt-get install -y --no-install-recommends chromium')
  expect(calls()).toEqual([])
})

test('as root: it installs what is missing, non-interactively, after one apt-get update', () => {
  const chromium = join(dir, 'chromium')
  const calls = fakeApt({ creates: chromium })
  const r = check({ PLAYWRIGHT_CHROMIUM_PATH: chromium }, { as: 'root' })
  expect(r.status).toBe(0)
  expect(calls()).toEqual([
    'DEBIAN_FRONTEND=noninteractive update -q',
    'DEBIAN_FRONTEND=noninteractive install -y -q --no-install-recommends chromium',
  ])
})

test('as root: a failed apt-get stops the run with the line to retry', () => {
  const calls = fakeApt({ fails: true })
  const r = check({ PLAYWRIGHT_CHROMIUM_PATH: join(dir, 'chromium') }, { as: 'root' })
  expect(r.status).toBe(1)
  expect(r.output).toContain('apt-get failed: chromium still missing')
  expect(r.output).toContain('apt-get install -y --no-install-recommends chromium')
  expect(calls()).toEqual(['DEBIAN_FRONTEND=noninteractive update -q'])
})
