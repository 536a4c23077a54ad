#!/usr/bin/env node
// Shows that each chaos scenario fails when the protection it is about is removed.
// For each mutation: copy the built app (apps/<app>/dist) to chaos/.reports/mutants/<name>, apply one
// textual change to the compiled JavaScript, run the scenario's test file against that copy
// (CHAOS_RELAY_SERVER / CHAOS_BACKEND_SERVER), and expect the test to FAIL. The real builds and the
// sources are never touched. Run after `pnpm build`:
//   node chaos/scripts/check-protections.mjs            # all
//   node chaos/scripts/check-protections.mjs rate-limit # those whose name contains the word
//   node chaos/scripts/check-protections.mjs --patterns # only checks that each change still applies
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
  // ---- relay (apps/collab) ----------------------------------------------------------------------
  {
    name: 'relay: token signature, alg and expiry checked (decode without verifying)',
    app: 'collab',
    file: 'backends/auth.js',
    find: /const verified = await verifyToken\(token, keys, TokenAudience\.BACKEND\);/,
    replace:
      "const verified = ((t) => { try { return { ok: true, payload: JSON.parse(Buffer.from(String(t).split('.')[1] ?? '', 'base64url').toString()) } } catch { return { ok: false, reason: 'invalid token' } } })(token);",
    test: 'src/identity-handshakes.test.ts',
    env: { CHAOS_HANDSHAKES: '100' },
  },
  {
    name: 'relay: browser Origin checked',
    app: 'collab',
    file: 'backends/routes.js',
    find: /if \(!allowedOrigin\(origin\)\) \{/,
    replace: 'if (false) {',
    test: 'src/identity-handshakes.test.ts',
    env: { CHAOS_HANDSHAKES: '100' },
  },
  {
    name: 'relay: sender taken from the token (here: from the event when it names a user)',
    app: 'collab',
    file: 'backends/router.js',
    find: /eventFrame\(frame\.id, conn\.userJson, frame\.event, eventJson, traceparent\)/,
    replace:
      'eventFrame(frame.id, frame.event.user ? JSON.stringify(frame.event.user) : conn.userJson, frame.event, eventJson, traceparent)',
    test: 'src/identity-handshakes.test.ts',
    env: { CHAOS_HANDSHAKES: '100' },
  },
  {
    name: 'relay: frames validated (fast path accepts any object)',
    app: 'collab',
    file: 'backends/frames.js',
    find: /if \(fastCheck\(data\)\)/,
    replace: 'if (true)',
    test: 'src/hostile-frames-backend-socket.test.ts',
    env: { CHAOS_FUZZ_FRAMES: '1000' },
  },
  {
    name: 'relay: binary frames closed with 1003 (here: parsed as text)',
    app: 'collab',
    file: 'backends/hub.js',
    find: /if \(isBinary\) \{/,
    replace: 'if (false) {',
    test: 'src/hostile-frames-backend-socket.test.ts',
    env: { CHAOS_FUZZ_FRAMES: '1000' },
  },
  {
    name: 'relay: max payload (1009)',
    app: 'collab',
    file: 'backends/routes.js',
    find: /maxPayload: config\.MAX_PAYLOAD_BYTES/,
    replace: 'maxPayload: 1024 * 1024 * 1024',
    test: 'src/hostile-frames-backend-socket.test.ts',
    env: { CHAOS_FUZZ_FRAMES: '1000' },
  },
  {
    name: 'relay: rate limit',
    app: 'collab',
    file: 'backends/hub.js',
    find: /const verdict = conn\.rate\.check\(\);/,
    replace: "const verdict = 'pass';",
    test: 'src/abuse-rate-limit.test.ts',
  },
  {
    name: 'relay: slow consumer closed at its send buffer bound',
    app: 'collab',
    file: 'backends/write-path.js',
    find: /if \(!conn\.closing && conn\.socket\.bufferedAmount > this\.#limit\)/,
    replace: 'if (false)',
    test: 'src/abuse-slow-consumer.test.ts',
  },
  {
    name: 'relay: auth timeout on connections that never finish a request (headers/request timeouts off)',
    app: 'collab',
    file: 'app.js',
    find: /headersTimeout: config\.AUTH_TIMEOUT_MS,\s*requestTimeout: config\.AUTH_TIMEOUT_MS,/,
    replace: 'headersTimeout: 0, requestTimeout: 0,',
    test: 'src/abuse-auth-timeout.test.ts',
    env: { CHAOS_IDLE_CONNECTIONS: '2000' },
  },
  {
    name: 'relay: keeps no per-event state (here: every routed frame retained)',
    app: 'collab',
    file: 'backends/router.js',
    find: /const out = eventFrame\(frame\.id, conn\.userJson, frame\.event, eventJson, traceparent\);/,
    replace:
      "const out = eventFrame(frame.id, conn.userJson, frame.event, eventJson, traceparent); (globalThis.__kept ??= []).push(String(out) + ' '.repeat(2000));",
    test: 'src/soak.test.ts',
    env: { CHAOS_SOAK_SECONDS: '30' },
  },
  // ---- backend (apps/backend) -------------------------------------------------------------------
  {
    name: 'backend: inbox drops duplicates (here: a redelivered event is applied again)',
    app: 'backend',
    file: 'domain/inbound.js',
    find: /if \(!fresh\)\s*return \{ handled: duplicate, from: frame\.from \};/,
    replace: '',
    test: 'src/relay-crash.test.ts',
    env: { CHAOS_RELAY_KILLS: '8', CHAOS_CRASH_EVENTS: '300' },
  },
  {
    name: 'backend: ack only after the commit (here: ack first)',
    app: 'backend',
    file: 'delivery/inbound-queue.js',
    find: /const apply = \(\) => applyInbound\(this\.ctx, event\);/,
    replace: 'this.ack(frame.id, frame.from.id); const apply = () => applyInbound(this.ctx, event);',
    test: 'src/recipient-crash.test.ts',
  },
  {
    name: 'backend: unacked outbox rows survive a restart (here: forgotten at start)',
    app: 'backend',
    file: 'delivery/dispatcher.js',
    find: /async onLinkUp\(\) \{\s*this\.inFlight\.clear\(\);/,
    replace:
      'async onLinkUp() { if (!this.__forgot) { this.__forgot = true; await this.db.outbox.updateMany({ where: { ackedAt: null }, data: { ackedAt: new Date() } }); } this.inFlight.clear();',
    test: 'src/backend-crash-mid-write.test.ts',
  },
  {
    name: 'backend: position_updated only from the idea’s owner',
    app: 'backend',
    file: 'domain/inbound-ideas.js',
    find: /async function onPositionUpdated\(ctx, tx, fx, from, idea\) \{\s*if \(idea\.owner\.id !== from\.id\)\s*return refused\('the idea is not the sender’s'\);([\s\S]*?)if \(existing\.ownerId !== from\.id\)\s*return refused\('the idea is not the sender’s'\);/,
    replace: 'async function onPositionUpdated(ctx, tx, fx, from, idea) {$1',
    test: 'src/bola.test.ts',
  },
  {
    name: 'backend: the owner refuses comments from a non-sharee',
    app: 'backend',
    file: 'domain/inbound-comments.js',
    find: /if \(!\(await isSharedWith\(q, idea\.id, from\.id\)\)\) \{/,
    replace: 'if (false) {',
    test: 'src/bola.test.ts',
  },
  {
    name: 'backend: a re-share carries the current thread (the relay-crash fix, reverted)',
    app: 'backend',
    file: 'delivery/dispatcher.js',
    find: /const json = await eventBody\(this\.db, this\.keys, first\);/,
    replace: 'const json = first.payload;',
    test: 'src/relay-crash.test.ts',
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

const patternsOnly = process.argv.includes('--patterns')
const only = process.argv.slice(2).filter((a) => a !== '--patterns')
const rows = []
for (const m of mutations) {
  if (only.length > 0 && !only.some((o) => m.name.includes(o))) continue
  const dir = join(mutantsDir, m.name.replace(/\W+/g, '-').toLowerCase())
  const problem = prepare(m, dir)
  if (problem) {
    rows.push([m.name, 'NOT RUN', problem])
    continue
  }
  if (patternsOnly) {
    rows.push([m.name, 'FAILS (applies)', `dist/${m.file}`])
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
      CHAOS_REPORTS_DIR: join(dir, 'reports'),
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
