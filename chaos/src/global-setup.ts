import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readRows, table } from './lib/counters.js'
import { LONG } from './lib/env.js'
import {
  BACKEND_SERVER,
  COUNTERS_FILE,
  ensureDirs,
  PIDS_FILE,
  RELAY_SERVER,
  REPORTS,
  ROOT,
} from './lib/paths.js'

/** Builds the relay and the backend (turbo; cached when up to date) unless CHAOS_SKIP_BUILD=1. */
function build(): void {
  if (process.env.CHAOS_SKIP_BUILD === '1' && existsSync(RELAY_SERVER) && existsSync(BACKEND_SERVER)) return
  const r = spawnSync(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--filter=@pp/collab',
      '--filter=@pp/backend',
      '--output-logs=errors-only',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  )
  if (r.status !== 0) throw new Error('building the relay and the backend failed')
}

/** Stops any process a test file started and did not stop (a worker that died, a timeout). */
function reapStragglers(): void {
  if (!existsSync(PIDS_FILE)) return
  for (const line of readFileSync(PIDS_FILE, 'utf8').split('\n')) {
    const pid = Number(line.split(' ')[0])
    if (!Number.isInteger(pid) || pid <= 0) continue
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      if (cmd.includes('/dist/server.js')) {
        process.kill(pid, 'SIGKILL')
        console.log(`chaos: stopped leftover process ${line.trim()}`)
      }
    } catch {
      // already gone
    }
  }
}

export default function setup(): () => void {
  ensureDirs()
  rmSync(COUNTERS_FILE, { force: true })
  rmSync(`${REPORTS}/logs`, { recursive: true, force: true })
  rmSync(`${REPORTS}/data`, { recursive: true, force: true })
  ensureDirs()
  writeFileSync(PIDS_FILE, '')
  // One seed for the whole run, inherited by the test workers.
  process.env.CHAOS_SEED ??= String(Date.now() % 2_147_483_647)
  const seed = process.env.CHAOS_SEED
  console.log(`chaos: seed ${seed}${LONG ? ' (long run)' : ''}; process logs in chaos/.reports/logs`)
  build()
  return () => {
    reapStragglers()
    console.log('\n=== chaos summary ===')
    console.log(table(readRows()))
    console.log(`seed ${seed} (replay with CHAOS_SEED=${seed})`)
  }
}
