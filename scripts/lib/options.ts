import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { MAX_USERS, MIN_USERS } from './users.js'

export interface LauncherOptions {
  users: number
  prod: boolean
  web: boolean
  build: boolean
  fresh: boolean
  /** With --prod: serve a copy of apps/web/dist taken at start, so a rebuild while running changes nothing. */
  copyWebDist: boolean
  relayPort: number
  /** Port of User A's backend; User B's is the next one, and so on. */
  backendPort: number
  /** Port of User A's web app (dev server, or with --prod vite preview); User B's is the next one. */
  webPort: number
  dataDir: string
  logDir: string
  stateFile: string
  controlPort: number | undefined
  help: boolean
}

export const USAGE = `Usage: pnpm dev:distributed [options]     (pnpm start:distributed = --prod)

Starts the relay and one complete stack per user (backend + web app), makes all users friends,
prints the URLs, and stops everything on Ctrl+C.

Options:
  --users N           number of users, ${MIN_USERS}-${MAX_USERS} (default 2): User A, User B, User C…
  --prod              build everything, run the built relay and backends; each backend serves the
                      production web bundle, also served on the web port by vite preview,
                      which passes the API through to it (no dev servers)
  --no-web            start no web app (API only)
  --no-build          skip the build step (use what is already built)
  --fresh             delete the users' databases before starting
  --copy-web-dist     with --prod: serve a copy of apps/web/dist taken at start (<data-dir>/web-dist),
                      so rebuilding the web app while the stack runs does not change what it serves
  --port-offset N     add N to every default port (relay 9000, backends 8000+, web 3000+)
  --relay-port P      relay port (default 9000)
  --backend-port P    User A's backend port; B gets P+1, C P+2… (default 8000)
  --web-port P        User A's web port; B gets P+1… (default 3000)
  --data-dir DIR      where the databases (portfolio_user_a.db…), the token signing key and tokens live
                      (default: the repository root)
  --log-dir DIR       where the logs go (default: logs/)
  --state-file FILE   JSON with ports, URLs and pids (default: <log-dir>/distributed.json)
  --control-port P    serve a local control API on 127.0.0.1:P: GET /status,
                      POST /relay/stop, POST /relay/start
  -h, --help          show this help

While it runs, type \`stop relay\`, \`start relay\`, \`status\` or \`quit\` (then Enter) in its terminal,
or write them to its stdin from a script (\`{ sleep 60; echo stop relay; sleep 600; } | pnpm dev:distributed\`).`

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max} (got "${raw}")`)
  }
  return n
}

export function parseOptions(argv: string[], root: string): LauncherOptions {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      users: { type: 'string' },
      prod: { type: 'boolean', default: false },
      'no-web': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      'copy-web-dist': { type: 'boolean', default: false },
      'port-offset': { type: 'string' },
      'relay-port': { type: 'string' },
      'backend-port': { type: 'string' },
      'web-port': { type: 'string' },
      'data-dir': { type: 'string' },
      'log-dir': { type: 'string' },
      'state-file': { type: 'string' },
      'control-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  const offset = int('port-offset', values['port-offset'], 0, 0, 50_000)
  const logDir = resolve(values['log-dir'] ?? resolve(root, 'logs'))
  return {
    users: int('users', values.users, 2, MIN_USERS, MAX_USERS),
    prod: values.prod,
    web: !values['no-web'],
    build: !values['no-build'],
    fresh: values.fresh,
    copyWebDist: values['copy-web-dist'],
    relayPort: int('relay-port', values['relay-port'], 9000 + offset, 1, 65535),
    backendPort: int('backend-port', values['backend-port'], 8000 + offset, 1, 65535),
    webPort: int('web-port', values['web-port'], 3000 + offset, 1, 65535),
    dataDir: resolve(values['data-dir'] ?? root),
    logDir,
    stateFile: resolve(values['state-file'] ?? resolve(logDir, 'distributed.json')),
    controlPort:
      values['control-port'] === undefined
        ? undefined
        : int('control-port', values['control-port'], 0, 1, 65535),
    help: values.help,
  }
}
