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

  it('refuses a broadcast whose delivered form, with user_id and timestamp added, would exceed the limit', async () => {
    // 128 three-byte characters: the user id adds 384 bytes to the broadcast, not 128.
    const userId = '€'.repeat(128)
    const sender = await SessionClient.join(relay.wsUrl, 'oversize-margin', encodeURIComponent(userId))
    const receiver = await SessionClient.join(relay.wsUrl, 'oversize-margin', 'receiver')
    clients.push(sender, receiver)
    // The broadcast as the relay serializes it: the message's fields, then user_id and timestamp (24 characters).
    const delivered = (blob: string) =>
      Buffer.byteLength(
        JSON.stringify({
          type: 'state:update',
          blob,
          user_id: userId,
          timestamp: '2026-11-22T03:00:00.000Z',
        }),
      )
    const fits = 'z'.repeat(MiB - delivered(''))
    expect(delivered(fits)).toBe(MiB)
    // One byte over: refused with an error frame naming the size, nothing broadcast, the connection stays open.
    sender.send({ type: 'state:update', blob: `${fits}z` })
    const error = await sender.next((m) => m.type === 'error')
    expect(error).toMatchObject({ code: 'invalid_message' })
    expect(error.message).toContain(`${MiB + 1} bytes`)
    // Exactly the limit: delivered.
    sender.send({ type: 'state:update', blob: fits })
    const got = await receiver.next((m) => m.type === 'state:update')
    expect(got.blob).toBe(fits)
    expect(Buffer.byteLength(receiver.raw[receiver.raw.length - 1] ?? '')).toBe(MiB)
    expect(receiver.ofType('state:update')).toHaveLength(1)
    expect(sender.closedWith).toBeUndefined()
  })

  it('refuses a sync:state that would exceed the limit once forwarded, and asks the next member at once', async () => {
    const big = await SessionClient.join(relay.wsUrl, 'oversize-sync', 'big')
    const small = await SessionClient.join(relay.wsUrl, 'oversize-sync', 'small')
    clients.push(big, small)
    // Under the limit as sent (so no 1009), over it with user_id and timestamp added.
    const answer = (blob: string) => ({ type: 'sync:state', requester: 'late', state: { blob } })
    const blob = 'b'.repeat(MiB - 10 - Buffer.byteLength(JSON.stringify(answer(''))))
    expect(Buffer.byteLength(JSON.stringify(answer(blob)))).toBe(MiB - 10)

    const late = await SessionClient.join(relay.wsUrl, 'oversize-sync', 'late')
    clients.push(late)
    await big.next((m) => m.type === 'sync:request' && m.requester === 'late')
    big.send(answer(blob))
    const error = await big.next((m) => m.type === 'error')
    expect(error).toMatchObject({ code: 'invalid_message' })
    expect(error.message).toMatch(/sync:state too large to forward: \d+ bytes/)

    await small.next((m) => m.type === 'sync:request' && m.requester === 'late')
    small.send({ type: 'sync:state', requester: 'late', state: { items: [1] } })
    const got = await late.next((m) => m.type === 'sync:state')
    expect(got).toMatchObject({ user_id: 'small', state: { items: [1] } })
    expect(late.ofType('sync:state')).toHaveLength(1)
    expect(Math.max(...late.raw.map((r) => Buffer.byteLength(r)))).toBeLessThan(MiB)
    expect(big.closedWith).toBeUndefined()
  })
})
