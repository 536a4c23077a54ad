import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RelayProcess, startRelay } from './test-support/relay-process.js'
import { SessionClient } from './test-support/session-client.js'

const MiB = 1024 * 1024
let relay: RelayProcess
const clients: SessionClient[] = []

beforeAll(async () => {
  relay = await startRelay()
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await relay.stop()
})

describe('the 1 MiB message limit', () => {
  it('closes a connection that sends more than 1 MiB with 1009 and a reason', async () => {
    const big = await SessionClient.join(relay.wsUrl, 'oversize', 'big')
    const other = await SessionClient.join(relay.wsUrl, 'oversize', 'other')
    clients.push(big, other)
    big.send({ type: 'item:add', blob: 'x'.repeat(MiB) })
    const closed = await big.closed
    expect(closed.code).toBe(1009)
    expect(closed.reason).toMatch(/too big/)
    expect(closed.reason).toContain(String(MiB))
    const left = await other.next((m) => m.type === 'user:left')
    expect(left.user_id).toBe('big')
    expect(other.ofType('item:add')).toEqual([])
  })

  it('broadcasts a large message under the limit', async () => {
    const sender = await SessionClient.join(relay.wsUrl, 'oversize-ok', 'sender')
    const receiver = await SessionClient.join(relay.wsUrl, 'oversize-ok', 'receiver')
    clients.push(sender, receiver)
    const blob = 'y'.repeat(MiB - 4096)
    sender.send({ type: 'state:update', blob })
    const got = await receiver.next((m) => m.type === 'state:update')
    expect(got.blob).toBe(blob)
    expect(sender.closedWith).toBeUndefined()
  })
})
