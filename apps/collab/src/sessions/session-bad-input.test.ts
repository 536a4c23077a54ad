import { SessionError } from '@pp/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RelayProcess, startRelay } from './test-support/relay-process.js'
import { SessionClient } from './test-support/session-client.js'

let relay: RelayProcess
let alice: SessionClient
let bob: SessionClient

beforeAll(async () => {
  relay = await startRelay()
  alice = await SessionClient.join(relay.wsUrl, 'bad-input', 'alice')
  bob = await SessionClient.join(relay.wsUrl, 'bad-input', 'bob')
})
afterAll(async () => {
  await Promise.all([alice.close(), bob.close()])
  await relay.stop()
})

/** Sends `payload`, expects an error frame with `code`, and checks the socket still works. */
async function expectError(payload: string | Buffer, code: SessionError['code']) {
  const before = alice.ofType('error').length
  alice.ws.send(payload)
  const error = SessionError.parse(await alice.until('an error frame', () => alice.ofType('error')[before]))
  expect(error.code).toBe(code)
  expect(error.message.length).toBeGreaterThan(0)
  const pongs = alice.ofType('pong').length
  alice.send({ type: 'ping' })
  await alice.until('a pong after the error', () => alice.ofType('pong')[pongs])
  expect(alice.closedWith).toBeUndefined()
  return error
}

describe('messages the room cannot use', () => {
  it('answers text that is not JSON with invalid_json and stays open', async () => {
    await expectError('this is not json', 'invalid_json')
    await expectError('{"type": "item:add",', 'invalid_json')
  })

  it('answers JSON without a string type with missing_type and stays open', async () => {
    await expectError('{"item": 1}', 'missing_type')
    await expectError('{"type": 42}', 'missing_type')
    await expectError('[1, 2, 3]', 'missing_type')
    await expectError('"ping"', 'missing_type')
  })

  it('answers binary frames with an error frame and stays open', async () => {
    const error = await expectError(Buffer.from([0x7b, 0x7d, 0x00, 0xff]), 'invalid_message')
    expect(error.message).toMatch(/binary/)
  })

  it('refuses message types only the server sends', async () => {
    for (const type of ['connection:ack', 'pong', 'user:joined', 'user:left', 'sync:request', 'error']) {
      await expectError(JSON.stringify({ type }), 'invalid_message')
    }
  })

  it('refuses a sync:state without a requester or an object state', async () => {
    await expectError(JSON.stringify({ type: 'sync:state', state: {} }), 'invalid_message')
    await expectError(JSON.stringify({ type: 'sync:state', requester: 'bob', state: [1] }), 'invalid_message')
  })

  it('broadcasts none of the refused messages', async () => {
    alice.send({ type: 'marker' })
    await bob.next((m) => m.type === 'marker')
    expect(bob.messages.map((m) => m.type)).toEqual(['connection:ack', 'marker'])
  })
})
