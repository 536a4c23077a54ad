import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEBIAN_PYTHON } from './test-support/python-script.js'
import { readmePythonBlock } from './test-support/readme.js'
import { pollUntil, type RelayProcess, startRelay } from './test-support/relay-process.js'
import { SessionClient } from './test-support/session-client.js'

let relay: RelayProcess
let dir: string
let child: ChildProcess | undefined
const clients: SessionClient[] = []

beforeAll(async () => {
  relay = await startRelay()
  dir = mkdtempSync(join(tmpdir(), 'session-readme-'))
})
afterAll(async () => {
  child?.kill('SIGKILL')
  await Promise.all(clients.map((c) => c.close()))
  await relay.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('the README’s Python client example', () => {
  it('joins, adds an item, answers a late joiner’s sync and follows the others’ changes', async () => {
    const file = join(dir, 'client.py')
    writeFileSync(file, readmePythonBlock('websockets.connect'))
    let out = ''
    child = spawn(DEBIAN_PYTHON, [file, 'alice'], {
      env: { ...process.env, SESSION_SERVER: relay.wsUrl, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    await pollUntil('the example to join', () =>
      out.includes("joined demo as alice; members: ['alice']") ? true : undefined,
    )

    const bob = await SessionClient.join(relay.wsUrl, 'demo', 'bob')
    clients.push(bob)
    const state = await bob.next((m) => m.type === 'sync:state')
    expect(state).toMatchObject({
      user_id: 'alice',
      state: { items: { 'box-1': { id: 'box-1', x: 10, y: 20 } } },
    })

    bob.send({ type: 'item:add', item: { id: 'lens-2', x: 0, y: 0 } })
    await pollUntil('the example to see the add', () =>
      out.includes("item:add from bob; items: ['box-1', 'lens-2']") ? true : undefined,
    )
    bob.send({ type: 'item:remove', id: 'box-1' })
    await pollUntil('the example to see the remove', () =>
      out.includes("item:remove from bob; items: ['lens-2']") ? true : undefined,
    )
    bob.send({ type: 'ping' })
    await bob.next((m) => m.type === 'pong')
    expect(out).not.toMatch(/Traceback|refused/)
  })
})
