import { once } from 'node:events'
import { createServer } from 'node:http'
import { until } from '@pp/test-kit'
import { describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { textFrame } from './wire.js'

describe('textFrame', () => {
  it('reads back as the same text in a WebSocket client, at each length form (7, 16 and 64 bit)', async () => {
    const texts = [
      '',
      'x'.repeat(125),
      'é'.repeat(63),
      `{"a":"${'y'.repeat(126)}"}`,
      'z'.repeat(65_535),
      '€'.repeat(70_000),
    ]
    // `ws` does the handshake; then the frames go straight onto the TCP socket, as the hub writes them.
    const wss = new WebSocketServer({ noServer: true })
    const server = createServer()
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, () => {
        for (const t of texts) socket.write(textFrame(t))
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    const client = new WebSocket(`ws://127.0.0.1:${port}`)
    const got: Array<{ text: string; binary: boolean }> = []
    client.on('message', (data, isBinary) => got.push({ text: data.toString(), binary: isBinary }))
    client.on('error', () => {})
    await until(
      'every frame, or the socket closed',
      () => got.length >= texts.length || client.readyState === WebSocket.CLOSED,
      { intervalMs: 10 },
    )
    expect(got.map((g) => g.binary)).toEqual(texts.map(() => false))
    expect(got.map((g) => g.text)).toEqual(texts)
    client.terminate()
    server.close()
  })
})
