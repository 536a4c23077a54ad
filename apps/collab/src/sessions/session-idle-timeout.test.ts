import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pollUntil, type RelayProcess, startRelay } from './test-support/relay-process.js'
import { SessionClient } from './test-support/session-client.js'

const IDLE_MS = 1500
let relay: RelayProcess
const clients: SessionClient[] = []

beforeAll(async () => {
  relay = await startRelay({ SESSION_IDLE_TIMEOUT_MS: String(IDLE_MS) })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await relay.stop()
})

describe('idle clients', () => {
  it('closes a silent client with 1001 and a reason, and keeps a pinging one', async () => {
    const silent = await SessionClient.join(relay.wsUrl, 'idle', 'silent')
    const chatty = await SessionClient.join(relay.wsUrl, 'idle', 'chatty')
    clients.push(silent, chatty)
    const pinger = setInterval(() => chatty.send({ type: 'ping' }), IDLE_MS / 5)
    try {
      const closed = await silent.closed
      expect(closed.code).toBe(1001)
      expect(closed.reason).toMatch(/idle/)
      const left = await chatty.next((m) => m.type === 'user:left')
      expect(left.user_id).toBe('silent')
      // Ten pongs at IDLE/5 apart span two idle periods: the pinging client is still connected.
      await chatty.until('ten pongs', () => (chatty.ofType('pong').length >= 10 ? true : undefined))
      expect(chatty.closedWith).toBeUndefined()
    } finally {
      clearInterval(pinger)
    }
  })

  it('counts any message as activity, not only pings', async () => {
    const worker = await SessionClient.join(relay.wsUrl, 'idle-activity', 'worker')
    const watcher = await SessionClient.join(relay.wsUrl, 'idle-activity', 'watcher')
    clients.push(worker, watcher)
    let n = 0
    const mover = setInterval(() => {
      n += 1
      worker.send({ type: 'item:move', id: 'a', x: n })
    }, IDLE_MS / 5)
    try {
      const closed = await watcher.closed
      expect(closed.code).toBe(1001)
      // Ten moves at IDLE/5 apart span two idle periods: the client sending them is still connected.
      await pollUntil('ten moves sent', () => (n >= 10 ? true : undefined))
      expect(worker.closedWith).toBeUndefined()
    } finally {
      clearInterval(mover)
    }
  })
})
