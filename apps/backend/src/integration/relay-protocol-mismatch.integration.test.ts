import type { AddressInfo } from 'node:net'
import { BACKEND_SOCKET_PATH, type CollabStatus, PROTOCOL_VERSION, type RelayFrame } from '@pp/contracts'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { liveClient, rest } from '../test-support/clients.js'
import { type Proc, spawnBackend, stopAll, waitFor } from '../test-support/processes.js'
import { type RelayHandle, startRelay } from '../test-support/relay.js'
import { tempDir, USER_A } from '../test-support/temp.js'

/** A relay of a later release: it accepts the backend and welcomes it with the next protocol version. */
async function laterRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: BACKEND_SOCKET_PATH })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  wss.on('connection', (ws) => {
    const welcome: RelayFrame = {
      type: 'welcome',
      user: { id: USER_A.id, displayName: USER_A.displayName },
      protocol: PROTOCOL_VERSION + 1,
      heartbeatMs: 25_000,
    }
    ws.send(JSON.stringify(welcome))
  })
  const { port } = wss.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => resolve())
      }),
  }
}

describe('a relay that speaks another protocol version', () => {
  const t = tempDir()
  let backend: (Proc & { api: string; token: string }) | undefined
  let relay: RelayHandle | undefined
  let later: Awaited<ReturnType<typeof laterRelay>> | undefined

  afterEach(async () => {
    await stopAll()
    await backend?.stop()
    await relay?.stop()
    await later?.close()
    backend = relay = later = undefined
  })
  afterAll(() => t.cleanup())

  it('is reported in the collab status, over REST and to the browser, with both versions', async () => {
    later = await laterRelay()
    backend = await spawnBackend({ user: USER_A, dir: t.dir, name: 'mismatch', relayUrls: [later.url] })
    const api = rest(backend.api, backend.token)
    const status = await waitFor(async () => {
      const s = await api.get<CollabStatus>('/collab/status')
      return s.protocol.relay === null ? undefined : s
    }, 'the relay welcomed the backend')
    expect(status.protocol).toEqual({ backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION + 1 })

    const live = await liveClient(backend.url, backend.token)
    try {
      const pushed = await waitFor(
        () => live.events.find((e) => e.name === 'collab:status')?.payload as CollabStatus | undefined,
        'collab:status pushed to the browser',
      )
      expect(pushed.protocol).toEqual({ backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION + 1 })
    } finally {
      live.close()
    }
  })

  it('is not reported against the relay of this release', async () => {
    relay = await startRelay(t.dir, 'same-relay')
    backend = await spawnBackend({ user: USER_A, dir: t.dir, name: 'match', relayUrls: [relay.url] })
    const api = rest(backend.api, backend.token)
    const status = await waitFor(async () => {
      const s = await api.get<CollabStatus>('/collab/status')
      return s.connected ? s : undefined
    }, 'connected to the relay')
    expect(status.protocol).toEqual({ backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION })
  })
})
