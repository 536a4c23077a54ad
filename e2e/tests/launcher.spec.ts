import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { expect, test } from '@playwright/test'
import { isFree, spareRange } from '../support/ports'
import { readState } from '../support/stack'

// The launcher itself (scripts/dev-distributed.ts), API-only (--no-web) on spare ports: friends on first
// start, idempotent on the next, nothing left behind on SIGTERM, and a busy port named with its service.
const root = resolve(import.meta.dirname, '..', '..')

interface Run {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

function launch(args: string[]): Run {
  let out = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-distributed.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
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
      const friends = (await (await fetch(`http://localhost:${base + 1}/api/v1/friends`)).json()) as Array<{
        displayName: string
        status: string
      }>
      expect(friends).toEqual([expect.objectContaining({ displayName: 'User B', status: 'accepted' })])

      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
        relay: { pid: number }
        users: Array<{ backendPid: number }>
      }
      const pids = [state.relay.pid, ...state.users.map((u) => u.backendPid)]
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
})
