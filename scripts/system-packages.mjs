// The Debian packages the test suites need, each with the probe that says whether this machine has what
// it gives. `pnpm test` calls `ensureSystemPackages()` before anything else: as root on a machine with
// apt-get it installs what is missing (non-interactive, `apt-get update` only then); otherwise it prints
// the one `apt-get install …` line to run and the test run stops. `node scripts/system-packages.mjs`
// does only this step.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { pathToFileURL } from 'node:url'

const onPath = (cmd) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)))
// Debian's interpreter: the `python3` first on PATH may be another one that cannot see Debian's modules.
const debianPython = (module) =>
  spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0

/** Package, what needs it, and whether the machine already has it. */
export const SYSTEM_PACKAGES = [
  {
    name: 'chromium',
    usedBy: 'the end-to-end suite (Playwright drives /usr/bin/chromium)',
    present: () => existsSync(process.env.PLAYWRIGHT_CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  {
    name: 'redis-server',
    usedBy: "the relay's scale-out tests",
    present: () => existsSync(process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server'),
  },
  {
    name: 'python3-pyqt6.qtwebsockets',
    usedBy: 'the session-room tests with a real Qt client',
    present: () => debianPython('PyQt6.QtWebSockets'),
  },
  {
    name: 'python3-websockets',
    usedBy: 'the session-room tests with a real Python client',
    present: () => debianPython('websockets'),
  },
  {
    name: 'docker-compose',
    usedBy: 'validating docker/compose.yml offline',
    present: () => onPath('docker-compose'),
  },
  {
    name: 'postgresql',
    usedBy: "the backend suite's PostgreSQL run (a throwaway server: initdb, pg_ctl)",
    present: () =>
      process.env.PG_BIN_DIR
        ? existsSync(join(process.env.PG_BIN_DIR, 'initdb'))
        : existsSync('/usr/lib/postgresql') &&
          readdirSync('/usr/lib/postgresql').some((v) =>
            existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb')),
          ),
  },
  {
    name: 'prometheus',
    usedBy: 'promtool: the metrics, scrape config, alert rules and their unit tests (docker/)',
    present: () => onPath('promtool'),
  },
]

/** The command that installs `names`; without recommends (docker-compose's would pull in a Docker engine). */
export const installLine = (names) => `apt-get install -y --no-install-recommends ${names.join(' ')}`

/**
 * Makes sure every package is there. Returns true when the suites can run; false after printing what
 * to do. `say` prints one line.
 */
export function ensureSystemPackages({ say = (l) => console.log(l), packages = SYSTEM_PACKAGES } = {}) {
  const missing = packages.filter((p) => !p.present())
  if (missing.length === 0) return true
  const names = missing.map((p) => p.name)
  for (const p of missing) say(`missing system package ${p.name}: ${p.usedBy}`)
  const asRoot = process.getuid?.() === 0
  if (!asRoot || !onPath('apt-get')) {
    say(asRoot ? 'apt-get is not on this machine; install them, on Debian:' : 'as root, run:')
    say(`  ${installLine(names)}`)
    return false
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const apt = (args) => {
    say(`$ apt-get ${args.join(' ')}`)
    return spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0
  }
  const installed = apt(['update', '-q']) && apt(['install', '-y', '-q', '--no-install-recommends', ...names])
  const still = missing.filter((p) => !p.present()).map((p) => p.name)
  if (still.length === 0) return true
  say(
    `${installed ? 'apt-get installed them, yet' : 'apt-get failed:'} ${still.join(' ')} still missing; run:`,
  )
  say(`  ${installLine(still)}`)
  return false
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exit(ensureSystemPackages() ? 0 : 1)
}
