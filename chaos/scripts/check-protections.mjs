#!/usr/bin/env node
// Shows that each chaos scenario fails when the protection it is about is removed.
// For each mutation: copy the built app (apps/<app>/dist) to chaos/.reports/mutants/<name>, apply one
// textual change to the compiled JavaScript, run the scenario's test file against that copy
// (CHAOS_RELAY_SERVER / CHAOS_BACKEND_SERVER), and expect the test to FAIL. The real builds and the
// sources are never touched. Run after `pnpm build`:
//   node chaos/scripts/check-protections.mjs            # all
//   node chaos/scripts/check-protections.mjs rate-limit # those whose name contains the word
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')
const mutantsDir = join(root, 'chaos/.reports/mutants')

/**
 * name: what is removed; app: collab | backend; file: compiled file under dist/; find: a RegExp that must
 * match exactly once; replace: its replacement; test: the scenario file; env: smaller counts for speed.
 */
const mutations = [
  {
    name: 'session rooms: JSON errors answered (parse without try/catch)',
    app: 'collab',
    file: 'sessions/messages.js',
    find: /try \{\s*data = JSON\.parse\(text\);\s*\}\s*catch \{\s*return \{ kind: 'error', code: 'invalid_json'[^}]*\};\s*\}/,
    replace: 'data = JSON.parse(text);',
    test: 'src/hostile-frames-session-rooms.test.ts',
    env: { CHAOS_FUZZ_FRAMES: '1000' },
  },
  {
    name: 'session rooms: binary frames answered with an error',
    app: 'collab',
    file: 'sessions/hub.js',
    find: /error\('invalid_message', 'binary frames are not supported[^']*'\);/,
    replace: '',
    test: 'src/hostile-frames-session-rooms.test.ts',
    env: { CHAOS_FUZZ_FRAMES: '1000' },
  },
  {
    name: 'relay: max payload (1009) removed',
    app: 'collab',
    file: 'app.js',
    find: /maxPayload: config\.MAX_PAYLOAD_BYTES/,
    replace: 'maxPayload: 1024 * 1024 * 1024',
    test: 'src/hostile-frames-session-rooms.test.ts',
    env: { CHAOS_FUZZ_FRAMES: '1000' },
  },
]

function prepare(m, dir) {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const appDir = join(root, 'apps', m.app)
  cpSync(join(appDir, 'dist'), join(dir, 'dist'), { recursive: true })
  cpSync(join(appDir, 'package.json'), join(dir, 'package.json'))
  symlinkSync(join(appDir, 'node_modules'), join(dir, 'node_modules'))
  if (existsSync(join(appDir, 'prisma'))) symlinkSync(join(appDir, 'prisma'), join(dir, 'prisma'))
  const file = join(dir, 'dist', m.file)
  const text = readFileSync(file, 'utf8')
  const flags = m.find.flags.includes('g') ? m.find.flags : `${m.find.flags}g`
  const hits = text.match(new RegExp(m.find.source, flags))?.length ?? 0
  if (hits !== 1)
    return `pattern matched ${hits} times in dist/${m.file} (the code changed: update the mutation)`
  writeFileSync(file, text.replace(m.find, m.replace))
  return undefined
}

const only = process.argv.slice(2)
const rows = []
for (const m of mutations) {
  if (only.length > 0 && !only.some((o) => m.name.includes(o))) continue
  const dir = join(mutantsDir, m.name.replace(/\W+/g, '-').toLowerCase())
  const problem = prepare(m, dir)
  if (problem) {
    rows.push([m.name, 'NOT RUN', problem])
    continue
  }
  const server = join(dir, 'dist/server.js')
  console.log(`\n=== without: ${m.name} → ${m.test}`)
  const t0 = Date.now()
  const r = spawnSync('npx', ['vitest', 'run', m.test], {
    cwd: join(root, 'chaos'),
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: {
      ...process.env,
      CHAOS_SKIP_BUILD: '1',
      [m.app === 'collab' ? 'CHAOS_RELAY_SERVER' : 'CHAOS_BACKEND_SERVER']: server,
      ...m.env,
    },
  })
  const out = `${r.stdout}\n${r.stderr}`.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
  const firstError = out
    .split('\n')
    .find((l) => /AssertionError|Error:|expected/.test(l))
    ?.trim()
  const caught = r.status !== 0
  rows.push([
    m.name,
    caught ? 'FAILS (caught)' : 'PASSES (not caught!)',
    `${Math.round((Date.now() - t0) / 1000)} s; ${firstError ?? ''}`.slice(0, 200),
  ])
  console.log(caught ? 'test failed as it should' : 'TEST STILL PASSES')
}
console.log('\n=== protection checks ===')
for (const [name, verdict, note] of rows)
  console.log(`${verdict.padEnd(20)} ${name}\n${' '.repeat(21)}${note}`)
process.exit(rows.every((r) => r[1].startsWith('FAILS')) ? 0 : 1)
