#!/usr/bin/env -S node --import tsx
// Launches the relay and one complete Portfolio Planner stack per user (backend + web app), makes all
// users friends, prints the URLs and stops everything on Ctrl+C/SIGTERM. See scripts/README.md.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseOptions, USAGE } from './lib/options.js'
import type { Service } from './lib/service.js'
import { Stack } from './lib/stack.js'

const root = resolve(import.meta.dirname, '..')
const rel = (p: string) => relative(process.cwd(), p) || '.'
const say = (line: string) => process.stdout.write(`${line}\n`)
const fail = (line: string) => process.stderr.write(`${line}\n`)

let opts: ReturnType<typeof parseOptions>
try {
  opts = parseOptions(process.argv.slice(2), root)
} catch (err) {
  fail(`dev-distributed: ${(err as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
if (opts.help) {
  say(USAGE)
  process.exit(0)
}
if (!existsSync(resolve(root, 'node_modules'))) {
  fail('dev-distributed: dependencies are not installed; run `pnpm install` first')
  process.exit(1)
}

let shuttingDown = false
let control: Server | undefined

const onExit = (service: Service, code: number | null, signal: NodeJS.Signals | null) => {
  if (shuttingDown || stack.status === 'starting') return // a failed start is reported by startAll
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
  fail(`\n✗ ${service.spec.name} ${how} — see ${rel(service.spec.logFile)}`)
  const tail = service.logTail(10)
  if (tail) fail(tail.replace(/^/gm, '  │ '))
  void shutdown(1)
}

const stack = new Stack(root, opts, onExit)

/**
 * A service whose process lives on but no longer answers (under `tsx watch` the watcher survives its
 * child's crash) is restarted, so its port never stays closed unnoticed.
 */
const onUnhealthy = (service: Service) => {
  if (shuttingDown) return
  fail(
    `\n✗ ${service.spec.name} stopped answering ${service.spec.readyUrl} while its process kept running — restarting it (see ${rel(service.spec.logFile)})`,
  )
  void (async () => {
    await service.stop()
    if (shuttingDown) return
    service.start(false)
    await service.waitReady(120_000)
    stack.writeState()
    say(`${service.spec.name} restarted and answering again`)
    service.watchHealth(onUnhealthy)
  })().catch((err: Error) => {
    fail(`✗ ${service.spec.name} could not be restarted: ${err.message}`)
    void shutdown(1)
  })
}

async function shutdown(code: number): Promise<never> {
  if (shuttingDown) return new Promise<never>(() => {})
  shuttingDown = true
  stack.status = 'stopping'
  say('\nStopping all services…')
  control?.close()
  // A start refused before anything ran leaves the state file alone (it may name an earlier stack's pids).
  const owned = stack.services().some((s) => s.child !== undefined)
  if (owned) stack.writeState()
  await stack.stopAll()
  stack.status = code === 0 ? 'stopped' : 'failed'
  if (owned) stack.writeState()
  say(code === 0 ? 'All services stopped.' : 'All services stopped after a failure.')
  process.exit(code)
}

process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))
process.on('SIGHUP', () => void shutdown(0))

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  say(`$ ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env })
  if (r.status !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` failed (exit code ${r.status})`)
}

function build(): void {
  if (opts.prod) {
    // The production web bundle talks to its own origin (/api/v1): build it without VITE_API_URL.
    const env = { ...process.env }
    delete env.VITE_API_URL
    run('pnpm', ['build'], env)
  } else {
    // Dev runs TypeScript sources with tsx; it needs only the contracts' build and the Prisma client.
    run('pnpm', ['turbo', 'run', 'build', '--filter=@pp/contracts', '--output-logs=errors-only'])
    if (!existsSync(resolve(root, 'apps/backend/src/generated')))
      run('pnpm', ['--filter', '@pp/backend', 'generate'])
  }
}

async function relayHealth(): Promise<string> {
  try {
    const res = await fetch(`${stack.relayUrl}/health`, { signal: AbortSignal.timeout(2000) })
    const h = (await res.json()) as { active_users?: number; total_events_routed?: number }
    return `healthy · ${h.active_users ?? '?'} users online · ${h.total_events_routed ?? 0} events routed`
  } catch {
    return 'not answering'
  }
}

async function backendHealth(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })
    const h = (await res.json()) as { collaboration?: { connected?: boolean } }
    return `healthy · relay ${h.collaboration?.connected ? 'connected' : 'disconnected'}`
  } catch {
    return 'not answering'
  }
}

async function printStatus(): Promise<void> {
  const pad = (s: string, n: number) => s.padEnd(n)
  const row = (name: string, url: string, status: string, s: Service | undefined) =>
    say(
      `  ${s?.running === false ? '✗' : '✓'} ${pad(name, 11)} ${pad(url, 24)} ${status}${
        s?.pid ? ` · pid ${s.pid}` : ''
      }${s ? ` · ${rel(s.spec.logFile)}` : ''}`,
    )
  say('')
  row('relay', stack.relayUrl, stack.relay.running ? await relayHealth() : 'stopped', stack.relay)
  for (const u of stack.users) {
    row(
      `backend-${u.key}`,
      u.backendUrl,
      `${u.displayName} · ${await backendHealth(u.backendUrl)}`,
      u.backend,
    )
    if (u.web) row(`web-${u.key}`, u.webUrl ?? '', `${u.displayName} · API ${u.apiUrl}`, u.web)
  }
  say('')
}

// The relay's stop and start, one at a time, for the control API and the console alike.
let relayJobs = Promise.resolve()
const serial = (job: () => Promise<void>) => {
  const next = relayJobs.then(job)
  relayJobs = next.catch(() => {})
  return next
}
const stopRelay = () =>
  serial(async () => {
    await stack.stopRelay()
    stack.writeState()
  })
/** Resolves true when it started the relay, false when it was already running. */
const startRelay = () => {
  let started = false
  return serial(async () => {
    if (stack.relay.running) return
    await stack.startRelay(false)
    stack.relay.watchHealth(onUnhealthy)
    started = true
    stack.writeState()
  }).then(() => started)
}

function startControl(port: number): Promise<void> {
  control = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    const route = `${req.method} ${req.url}`
    if (route === 'GET /status') return reply(200, stack.state())
    if (route === 'POST /relay/stop') {
      return void stopRelay().then(
        () => {
          say('relay stopped (control API)')
          reply(200, stack.state().relay)
        },
        (err: Error) => reply(500, { error: err.message }),
      )
    }
    if (route === 'POST /relay/start') {
      return void startRelay().then(
        () => {
          say('relay started (control API)')
          reply(200, stack.state().relay)
        },
        (err: Error) => reply(500, { error: err.message }),
      )
    }
    reply(404, { error: 'routes: GET /status, POST /relay/stop, POST /relay/start' })
  })
  return new Promise((resolvePromise, reject) => {
    control?.once('error', (err) =>
      reject(new Error(`control API: cannot listen on port ${port}: ${err.message}`)),
    )
    control?.listen(port, '127.0.0.1', () => {
      stack.controlUrl = `http://127.0.0.1:${port}`
      resolvePromise()
    })
  })
}

/**
 * Commands typed in the terminal, or written to stdin by a script (`stop relay` piped in works as typed);
 * a stdin that ends (`< /dev/null`, a closed pipe) leaves the stack running.
 */
function startConsole(): void {
  const rl = createInterface({ input: process.stdin })
  rl.on('line', (line) => {
    const cmd = line.trim().toLowerCase()
    if (cmd === 'stop relay') {
      void stopRelay().then(
        () => say('relay stopped; type `start relay` to bring it back'),
        (err: Error) => fail(err.message),
      )
    } else if (cmd === 'start relay') {
      void startRelay().then(
        (started) => say(started ? 'relay started' : 'relay is already running'),
        (err: Error) => fail(err.message),
      )
    } else if (cmd === 'status') {
      void printStatus()
    } else if (cmd === 'quit' || cmd === 'exit') {
      void shutdown(0)
    } else if (cmd.length > 0) {
      say('commands: status, stop relay, start relay, quit (or Ctrl+C)')
    }
  })
}

async function main(): Promise<void> {
  const started = Date.now()
  say(
    `Portfolio Planner — ${opts.prod ? 'production-style' : 'development'} start, ${opts.users} users${
      opts.web ? '' : ', no web app'
    }`,
  )
  await stack.checkPorts()
  if (opts.controlPort !== undefined) await startControl(opts.controlPort)
  if (opts.build) build()
  const missing = stack.missingBuildOutputs()
  if (missing.length > 0) {
    throw new Error(`missing build output: ${missing.join(', ')} — run \`pnpm build\` (or drop --no-build)`)
  }
  if (opts.fresh) stack.removeDatabases()
  stack.copyWebDist()
  stack.writeState()
  await stack.startAll(say)
  stack.status = 'ready'
  stack.writeState()
  for (const service of stack.services()) service.watchHealth(onUnhealthy)
  await printStatus()
  for (const u of stack.users) {
    if (u.webUrl) say(`  ${u.displayName}: open ${u.signInUrl ?? u.webUrl}`)
    else say(`  ${u.displayName}: ${u.apiUrl} (Authorization: Bearer <users[].apiToken in the state file>)`)
  }
  say(`  Relay: ${stack.relayUrl}/health · ${stack.relayUrl}/api/users/online`)
  say(`  Logs: ${rel(opts.logDir)}/ · state: ${rel(opts.stateFile)}`)
  if (stack.controlUrl)
    say(`  Control: ${stack.controlUrl} (GET /status, POST /relay/stop, POST /relay/start)`)
  say(`\nAll services are up (${((Date.now() - started) / 1000).toFixed(1)} s). Press Ctrl+C to stop them.`)
  startConsole()
}

main().catch(async (err: Error) => {
  fail(`\n✗ ${err.message}`)
  const failed = stack.services().find((s) => s.child !== undefined && !s.running)
  if (failed) {
    const tail = failed.logTail(15)
    if (tail) fail(`  last lines of ${rel(failed.spec.logFile)}:\n${tail.replace(/^/gm, '  │ ')}`)
  }
  await shutdown(1)
})
