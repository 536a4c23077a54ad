import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { isFree, spareRange } from '../support/ports'
import { readState } from '../support/stack'

// The launcher itself (scripts/dev-distributed.ts), API-only (--no-web) on spare ports: friends on first
// start, idempotent on the next, nothing left behind on SIGTERM, a busy port named with its service,
// console commands from a pipe, and users up to Z.
const root = resolve(import.meta.dirname, '..', '..')

interface Run {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

function launch(args: string[], stdin: 'ignore' | 'pipe' = 'ignore'): Run {
  let out = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-distributed.ts', ...args], {
    cwd: root,
    stdio: [stdin, 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return { child, output: () => out, exited }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test.describe('launcher', () => {
  let dir = ''
  let base = 0
  let args: string[] = []
  let running: Run | undefined

  test.beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-launcher-'))
    base = await spareRange(3)
    args = [
      '--prod',
      '--no-build',
      '--no-web',
      '--relay-port',
      String(base),
      '--backend-port',
      String(base + 1),
      '--data-dir',
      dir,
      '--log-dir',
      join(dir, 'logs'),
      '--state-file',
      join(dir, 'state.json'),
    ]
  })

  test.afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGTERM')
      await running.exited
    }
    running = undefined
    rmSync(dir, { recursive: true, force: true })
  })

  test('starts two users as friends, is idempotent, and SIGTERM leaves no process and no port', async () => {
    test.setTimeout(180_000)
    const stateFile = join(dir, 'state.json')
    for (const attempt of ['first', 'second'] as const) {
      running = launch(args)
      const run = running
      await expect.poll(() => readState(stateFile)?.status ?? run.output(), { timeout: 90_000 }).toBe('ready')
      expect(run.output()).toContain(
        attempt === 'first' ? 'made 1 friendship' : 'all users are already friends',
      )

      const online = (await (await fetch(`http://localhost:${base}/api/users/online`)).json()) as Array<{
        displayName: string
      }>
      expect(online.map((u) => u.displayName).sort()).toEqual(['User A', 'User B'])
      // A bare request is refused; the API token from the state file (0600) is what scripts use.
      const friendsUrl = `http://localhost:${base + 1}/api/v1/friends`
      expect((await fetch(friendsUrl)).status).toBe(401)
      const userA = readState(stateFile)?.users.find((u) => u.key === 'a')
      expect(userA?.apiToken).toEqual(expect.any(String))
      expect(statSync(stateFile).mode & 0o077).toBe(0)
      const friends = (await (
        await fetch(friendsUrl, { headers: { authorization: `Bearer ${userA?.apiToken}` } })
      ).json()) as Array<{ displayName: string; status: string }>
      expect(friends).toEqual([expect.objectContaining({ displayName: 'User B', status: 'accepted' })])

      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
        relay: { pid: number }
        users: Array<{ backendPid: number }>
      }
      const pids = [state.relay.pid, ...state.users.map((u) => u.backendPid)]
      // No secret in any service's environment: no token, key or secret, by name or by value.
      const secrets = [
        userA?.apiToken ?? '',
        ...['a', 'b'].map((k) => readFileSync(join(dir, `collab-token-${k}`), 'utf8').trim()),
      ]
      for (const pid of pids) {
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8')
        expect(environ).not.toMatch(
          /(^|\0)(COLLAB_TOKEN|COLLAB_JWT_SECRET|COLLAB_JWT_PRIVATE_KEY|BACKEND_API_TOKEN|OPERATOR_TOKEN)=/,
        )
        expect(environ).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/)
        for (const secret of secrets) expect(environ.includes(secret)).toBe(false)
      }
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
      expect(pids.filter(alive)).toEqual([])
      for (const port of [base, base + 1, base + 2]) expect(await isFree(port)).toBe(true)
      expect(readState(stateFile)?.status).toBe('stopped')
    }
  })

  test('a busy port names its service and nothing starts', async () => {
    const squatter: Server = createServer()
    await new Promise<void>((done) => squatter.listen(base + 2, '127.0.0.1', done))
    try {
      running = launch(args)
      expect(await running.exited).toBe(1)
      expect(running.output()).toContain(`backend-b: port ${base + 2} is already in use`)
      expect(await isFree(base)).toBe(true)
      expect(await isFree(base + 1)).toBe(true)
    } finally {
      await new Promise<void>((done) => squatter.close(() => done()))
    }
  })

  test('a relay that stops answering while its process lives on is noticed and restarted', async () => {
    test.setTimeout(180_000)
    const stateFile = join(dir, 'state.json')
    running = launch(args)
    const run = running
    await expect.poll(() => readState(stateFile)?.status ?? run.output(), { timeout: 90_000 }).toBe('ready')
    const before = readState(stateFile)?.relay.pid
    expect(before).toBeGreaterThan(0)
    // Frozen, not dead: the process (like a watcher whose child crashed) is there, the port answers nothing.
    process.kill(before as number, 'SIGSTOP')
    await expect.poll(() => run.output(), { timeout: 60_000 }).toContain('relay stopped answering')
    await expect
      .poll(() => run.output(), { timeout: 60_000 })
      .toContain('relay restarted and answering again')
    const after = readState(stateFile)?.relay.pid
    expect(after).not.toBe(before)
    expect(alive(before as number)).toBe(false)
    // Both backends find the new relay by themselves.
    await expect
      .poll(
        async () => {
          const res = await fetch(`http://localhost:${base}/api/users/online`).catch(() => null)
          const rows = res?.ok ? ((await res.json()) as Array<{ displayName: string }>) : []
          return rows.map((u) => u.displayName).sort()
        },
        { timeout: 60_000 },
      )
      .toEqual(['User A', 'User B'])
    expect(run.child.exitCode).toBe(null)
  })

  test('`stop relay` and `start relay` written to a piped stdin stop and restart the relay', async () => {
    test.setTimeout(180_000)
    const stateFile = join(dir, 'state.json')
    running = launch(args, 'pipe')
    const run = running
    await expect.poll(() => readState(stateFile)?.status ?? run.output(), { timeout: 90_000 }).toBe('ready')
    const relayConnected = async (backendPort: number) => {
      const res = await fetch(`http://localhost:${backendPort}/health`).catch(() => null)
      const body = res?.ok ? ((await res.json()) as { collaboration?: { connected?: boolean } }) : {}
      return body.collaboration?.connected ?? null
    }
    await expect.poll(() => relayConnected(base + 1), { timeout: 30_000 }).toBe(true)

    run.child.stdin?.write('stop relay\n')
    await expect.poll(() => run.output(), { timeout: 30_000 }).toContain('relay stopped')
    expect(await isFree(base)).toBe(true)
    expect(readState(stateFile)?.relay.running).toBe(false)
    await expect.poll(() => relayConnected(base + 1), { timeout: 30_000 }).toBe(false)
    await expect.poll(() => relayConnected(base + 2), { timeout: 30_000 }).toBe(false)

    run.child.stdin?.write('start relay\n')
    await expect.poll(() => run.output(), { timeout: 60_000 }).toContain('relay started')
    expect(readState(stateFile)?.relay.running).toBe(true)
    await expect.poll(() => relayConnected(base + 1), { timeout: 60_000 }).toBe(true)
    await expect.poll(() => relayConnected(base + 2), { timeout: 60_000 }).toBe(true)

    // A stdin that ends leaves the stack running.
    run.child.stdin?.end()
    expect(await relayConnected(base + 1)).toBe(true)
    expect(run.child.exitCode).toBe(null)
  })

  test('up to 26 users: User Z is the 26th backend, a 27th is refused', async () => {
    const range = await spareRange(27)
    const many = [
      '--prod',
      '--no-build',
      '--no-web',
      '--users',
      '26',
      '--relay-port',
      String(range),
      '--backend-port',
      String(range + 1),
      '--data-dir',
      dir,
      '--log-dir',
      join(dir, 'logs'),
    ]
    // Ports are checked before anything starts: a busy 26th backend port names User Z's backend.
    const squatter: Server = createServer()
    await new Promise<void>((done) => squatter.listen(range + 26, '127.0.0.1', done))
    try {
      running = launch(many)
      expect(await running.exited).toBe(1)
      expect(running.output()).toContain(`backend-z: port ${range + 26} is already in use`)
    } finally {
      await new Promise<void>((done) => squatter.close(() => done()))
    }
    const tooMany = launch(['--users', '27', '--no-build'])
    expect(await tooMany.exited).toBe(2)
    expect(tooMany.output()).toContain('--users must be a whole number from 2 to 26 (got "27")')
  })
})
