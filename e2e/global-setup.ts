import { spawn } from 'node:child_process'
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { LATENCY_FILE, publishLatency } from './support/latency'
import { spareRange } from './support/ports'
import { readState, STATE_ENV } from './support/stack'

const root = resolve(import.meta.dirname, '..')

/** Artifacts of earlier runs (one folder per run) older than a day go. */
function pruneOldArtifacts(): void {
  const dir = resolve(import.meta.dirname, 'test-results', 'artifacts')
  if (!existsSync(dir)) return
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (Date.now() - statSync(path).mtimeMs > 24 * 3600_000) rmSync(path, { recursive: true, force: true })
  }
}

/**
 * Starts the launcher once for the whole run: production-style (the backends serve the built web app, no
 * dev servers), three users, spare ports, a fresh temporary data folder, and a local control API the
 * resilience test uses to stop and start the relay. Returns the teardown that stops it.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  rmSync(LATENCY_FILE, { force: true })
  pruneOldArtifacts()
  // Against a stack already running (a launcher started with --state-file and --control-port).
  const existing = process.env[STATE_ENV]
  if (existing) {
    if (readState(existing)?.status !== 'ready')
      throw new Error(`${STATE_ENV}=${existing}: that stack is not ready`)
    process.env.PP_E2E_RUN_TAG =
      String.fromCharCode(65 + Math.floor(Math.random() * 26)) + Math.floor(Math.random() * 10)
    return async () => publishLatency()
  }
  const dir = mkdtempSync(join(tmpdir(), 'pp-e2e-'))
  const stateFile = join(dir, 'state.json')
  const users = 3
  // relay, control API, then each user's backend, then each user's web address (vite preview with --prod).
  const base = await spareRange(2 + 2 * users)
  const args = [
    '--import',
    'tsx',
    'scripts/dev-distributed.ts',
    '--prod',
    // Serve a snapshot of the web build: a rebuild of apps/web during the run must not change it.
    '--copy-web-dist',
    '--users',
    String(users),
    '--relay-port',
    String(base),
    '--control-port',
    String(base + 1),
    '--backend-port',
    String(base + 2),
    '--web-port',
    String(base + 2 + users),
    '--data-dir',
    join(dir, 'data'),
    '--log-dir',
    join(dir, 'logs'),
    '--state-file',
    stateFile,
  ]
  if (process.env.E2E_NO_BUILD === '1') args.push('--no-build')
  const logFile = join(dir, 'launcher.log')
  const fd = openSync(logFile, 'w')
  const launcher = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', fd, fd], detached: true })
  closeSync(fd)
  process.stdout.write(`[e2e] launcher pid ${launcher.pid}, logs in ${dir}\n`)

  let exitCode: number | null = null
  const exited = new Promise<void>((done) =>
    launcher.once('exit', (code) => {
      exitCode = code
      done()
    }),
  )
  const deadline = Date.now() + 10 * 60_000
  for (;;) {
    if (readState(stateFile)?.status === 'ready') break
    if (exitCode !== null || Date.now() > deadline) {
      const log = readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n')
      if (exitCode === null) process.kill(launcher.pid ?? 0, 'SIGTERM')
      throw new Error(`the launcher did not start the stack (exit code ${exitCode}):\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  process.env[STATE_ENV] = stateFile
  process.env.PP_E2E_DIR = dir

  return async () => {
    publishLatency()
    if (exitCode === null && launcher.pid !== undefined) {
      process.kill(launcher.pid, 'SIGTERM')
      const killer = setTimeout(
        () => launcher.pid !== undefined && process.kill(launcher.pid, 'SIGKILL'),
        20_000,
      )
      await exited
      clearTimeout(killer)
    }
    if (process.env.E2E_KEEP_DATA !== '1') rmSync(dir, { recursive: true, force: true })
  }
}
