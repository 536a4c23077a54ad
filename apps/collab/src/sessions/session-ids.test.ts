import { connect } from 'node:net'
import { ConnectionAck } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import { SessionClient } from './test-support/session-client.js'
import { useSessionRelay } from './test-support/session-room.js'

const { join, relay } = useSessionRelay()

/** Opens `/ws/{session}/{user}` (already percent-encoded) and waits for the close; how long it took. */
async function refused(session: string, user: string) {
  const started = Date.now()
  const client = await SessionClient.open(relay().wsUrl, session, user)
  const closed = await client.closed
  return { ...closed, ms: Date.now() - started, messages: client.messages }
}

describe('session and user ids', () => {
  it.each([
    ['user%20one', 'user one'],
    ['caf%C3%A9', 'café'],
    ['a+b', 'a+b'],
    ['a~b', 'a~b'],
  ])('admits user id %s and acknowledges it decoded (%s)', async (encoded, decoded) => {
    const client = await join('ids-chars', encoded)
    const ack = ConnectionAck.parse(client.messages[0])
    expect(ack.user_id).toBe(decoded)
    expect(ack.users).toContain(decoded)
  })

  it('admits a session id with a space and an accent, and routes inside it', async () => {
    const a = await join('design%20r%C3%A9view', 'user%20one')
    const b = await join('design%20r%C3%A9view', 'caf%C3%A9')
    expect(ConnectionAck.parse(b.messages[0])).toMatchObject({
      session_id: 'design réview',
      users: ['user one', 'café'],
    })
    a.send({ type: 'item:add', id: 'i1' })
    expect(await b.next((m) => m.type === 'item:add')).toMatchObject({ user_id: 'user one' })
  })

  it.each([
    ['a control character', 'ids-bad', 'bad%01user', /invalid user id/],
    ['a tab', 'ids-bad', 'tab%09user', /invalid user id/],
    ['DEL', 'ids-bad', 'del%7Fuser', /invalid user id/],
    ['an encoded /', 'ids-bad', 'a%2Fb', /invalid user id/],
    ['a control character in the session id', 'bad%0Asession', 'someone', /invalid session id/],
  ])('refuses an id with %s with 1008', async (_what, session, user, reason) => {
    const closed = await refused(session, user)
    expect(closed.code).toBe(1008)
    expect(closed.reason).toMatch(reason)
    expect(closed.messages).toEqual([])
  })

  it('acknowledges a 128-character user id, and 128 characters outside the BMP', async () => {
    const long = 'u'.repeat(128)
    const ascii = await join('ids-long', long)
    expect(ConnectionAck.parse(ascii.messages[0]).user_id).toBe(long)
    const emoji = '😀'.repeat(128)
    const astral = await join('ids-long', encodeURIComponent(emoji))
    expect(ConnectionAck.parse(astral.messages[0]).user_id).toBe(emoji)
  })

  it('refuses a 129-character user id at once with 1008', async () => {
    const closed = await refused('ids-long', 'u'.repeat(129))
    expect(closed.code).toBe(1008)
    expect(closed.reason).toMatch(/invalid user id/)
    expect(closed.ms).toBeLessThan(2000)
    // 129 characters outside the BMP are 258 UTF-16 code units, over the router's 256: HTTP 414 at once.
    await expect(
      SessionClient.open(relay().wsUrl, 'ids-long', encodeURIComponent('😀'.repeat(129))),
    ).rejects.toThrow(/414/)
  })

  it('answers a path parameter too long for the router with HTTP 414 and closes the connection', async () => {
    // A raw upgrade request: a WebSocket client that waits for the server to close (Python websockets)
    // would otherwise hang until its own timeout.
    const { port } = relay()
    const answer = await new Promise<{ text: string; closedAfterMs: number }>((resolve, reject) => {
      const started = Date.now()
      const socket = connect(port, '127.0.0.1')
      let text = ''
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error(`the connection was left open; got ${JSON.stringify(text.slice(0, 120))}`))
      }, 3000)
      socket.on('data', (d: Buffer) => {
        text += d.toString()
      })
      socket.on('error', reject)
      socket.on('close', () => {
        clearTimeout(timer)
        resolve({ text, closedAfterMs: Date.now() - started })
      })
      socket.write(
        [
          `GET /ws/ids-long/${'u'.repeat(300)} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      )
    })
    expect(answer.text).toMatch(/^HTTP\/1\.1 414 /)
    expect(answer.text.toLowerCase()).toContain('connection: close')
    expect(answer.closedAfterMs).toBeLessThan(3000)
  })
})
