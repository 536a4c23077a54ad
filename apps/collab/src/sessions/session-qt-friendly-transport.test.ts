import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { type RelayProcess, startRelay } from './test-support/relay-process.js'
import { SessionClient } from './test-support/session-client.js'

let relay: RelayProcess

beforeAll(async () => {
  // The relay's own heartbeat for backend sockets at its shortest: session sockets must not get it.
  // The HTTP-phase timeout short too: it must not reach upgraded session sockets.
  relay = await startRelay({ HEARTBEAT_MS: '100', AUTH_TIMEOUT_MS: '200' })
})
afterAll(async () => {
  await relay.stop()
})

describe('a Qt-friendly transport', () => {
  it('never get a server-initiated protocol ping; liveness is the client ping', async () => {
    const client = await SessionClient.join(relay.wsUrl, 'no-pings', 'qt-like')
    const pinger = setInterval(() => client.send({ type: 'ping' }), 100)
    try {
      // Twenty pongs 100 ms apart span twenty of the relay's heartbeat intervals.
      await client.until('twenty pongs', () => (client.ofType('pong').length >= 20 ? true : undefined))
    } finally {
      clearInterval(pinger)
    }
    expect(client.protocolPings).toBe(0)
    expect(client.closedWith).toBeUndefined()
    await client.close()
  })

  it('answers a client-initiated protocol ping (Python websockets keepalive) with a pong', async () => {
    const client = await SessionClient.join(relay.wsUrl, 'no-pings', 'py-like')
    const pong = new Promise<string>((resolve) => client.ws.once('pong', (data) => resolve(data.toString())))
    client.ws.ping('keepalive')
    expect(await pong).toBe('keepalive')
    await client.close()
  })

  it('keeps a quiet client far longer than the relay’s HTTP timeouts (until the idle timeout)', async () => {
    const quiet = await SessionClient.join(relay.wsUrl, 'quiet', 'sleeper')
    const clock = await SessionClient.join(relay.wsUrl, 'clock', 'ticker')
    const ticker = setInterval(() => clock.send({ type: 'ping' }), 100)
    try {
      // Twenty pongs 100 ms apart: ten of the relay's 200 ms HTTP timeouts, the quiet client silent.
      await clock.until('twenty pongs', () => (clock.ofType('pong').length >= 20 ? true : undefined))
    } finally {
      clearInterval(ticker)
    }
    quiet.send({ type: 'ping' })
    await quiet.next((m) => m.type === 'pong')
    expect(quiet.closedWith).toBeUndefined()
    await Promise.all([quiet.close(), clock.close()])
  })

  it('never negotiates permessage-deflate, even when the client offers it', async () => {
    const offering = new WebSocket(`${relay.wsUrl}/ws/no-compression/offering`, { perMessageDeflate: true })
    await new Promise<void>((resolve, reject) => {
      offering.once('open', () => resolve())
      offering.once('error', reject)
    })
    expect(offering.extensions).toBe('')
    offering.close()
  })
})
