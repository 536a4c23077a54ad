// Global setup of the backend suite's Postgres run (vitest.config.ts, project `postgres`): a real,
// throwaway PostgreSQL server for the run. initdb into a temp folder, start it on a free 127.0.0.1 port
// (and a Unix socket in that folder), create the database `pp`, hand its URL to the tests
// (`inject('postgresUrl')`, see database.ts), stop it and remove the folder at the end. Each test backend
// gets a schema of its own in `pp`. Durability is not under test here (the server is never crashed), so
// the server runs without fsync.
import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { freePort } from './processes.js'

/** Where Debian's `postgresql` puts the server binaries; PG_BIN_DIR overrides. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin')
}

let stop: (() => void) | undefined

export async function setup(project: TestProject): Promise<void> {
  const bin = postgresBinDir()
  if (bin === undefined) {
    throw new Error(
      'the backend suite’s Postgres run needs the PostgreSQL server (initdb, pg_ctl): `pnpm test` installs it, or run apt-get install -y postgresql (or set PG_BIN_DIR)',
    )
  }
  const dir = mkdtempSync(join(tmpdir(), 'pp-postgres-'))
  // initdb refuses to run as root: as root the server runs as Debian's `postgres` user.
  const asRoot = process.getuid?.() === 0
  const owner = asRoot ? postgresUser() : undefined
  if (owner !== undefined) chownSync(dir, owner.uid, owner.gid)
  const run = (cmd: string, args: string[]) => {
    const [file, argv] =
      owner === undefined
        ? [join(bin, cmd), args]
        : ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]]
    const r = spawnSync(file, argv, { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout || r.error?.message}`)
  }
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'pp', '-E', 'UTF8', '--no-sync'])
  const port = await freePort()
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=400',
  ].join(' ')
  const log = join(dir, 'server.log')
  try {
    run('pg_ctl', ['-D', data, '-o', options, '-l', log, '-w', '-t', '60', 'start'])
  } catch (err) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`${(err as Error).message}\n${tail}`)
  }
  stop = () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
    } finally {
      if (process.env.PP_KEEP_TMP !== '1') rmSync(dir, { recursive: true, force: true })
    }
  }
  execFileSync(join(bin, 'psql'), [
    '-h',
    dir,
    '-p',
    String(port),
    '-U',
    'pp',
    '-d',
    'postgres',
    '-qc',
    'CREATE DATABASE pp',
  ])
  project.provide('postgresUrl', `postgresql://pp@127.0.0.1:${port}/pp`)
}

export function teardown(): void {
  stop?.()
  stop = undefined
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'))
  const [, , uid, gid] = line?.split(':') ?? []
  if (uid === undefined || gid === undefined) {
    throw new Error(
      'running as root, the Postgres run needs the `postgres` user (apt-get install -y postgresql)',
    )
  }
  return { uid: Number(uid), gid: Number(gid) }
}
