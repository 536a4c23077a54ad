import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Relay, startRelay } from '../test-support/relay.js'

describe('connections that never finish an upgrade', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay({ AUTH_TIMEOUT_MS: '300' })
  })
  afterAll(async () => {
    await relay.stop()
  })

  // Node answers 408 (or just closes) once AUTH_TIMEOUT_MS passes; either way the socket is gone.
  const closedByServer = (send: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(relay.port, '127.0.0.1', () => {
        if (send.length > 0) socket.write(send)
      })
      let got = ''
      socket.on('data', (d) => {
        got += d.toString()
      })
      socket.on('error', reject)
      socket.on('close', () => resolve(got))
    })

  it('drops a TCP connection that sends nothing', async () => {
    const got = await closedByServer('')
    expect(got === '' || got.startsWith('HTTP/1.1 408')).toBe(true)
  })

  it('drops a connection whose upgrade request never ends (half-sent headers)', async () => {
    const got = await closedByServer('GET /v1/backends HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n')
    expect(got === '' || got.startsWith('HTTP/1.1 408')).toBe(true)
  })
})
