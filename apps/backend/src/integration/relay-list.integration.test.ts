import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest } from '../test-support/clients.js'
import { type Proc, spawnBackend, stopAll, waitFor } from '../test-support/processes.js'
import { type RelayHandle, startRelay } from '../test-support/relay.js'
import { tempDir, USER_A } from '../test-support/temp.js'

type Status = { connected: boolean; relayUrl: string | null }

describe('a list of relay URLs (COLLABORATION_SERVICE_URL=a,b)', () => {
  const t = tempDir()
  let first: RelayHandle
  let second: RelayHandle
  let a: Proc & { api: string; token: string }

  beforeAll(async () => {
    first = await startRelay(t.dir, 'relay-1')
    second = await startRelay(t.dir, 'relay-2')
    a = await spawnBackend({ user: USER_A, dir: t.dir, name: 'a', relayUrls: [first.url, second.url] })
  })
  afterAll(async () => {
    await stopAll()
    await a?.stop()
    await Promise.all([first?.stop(), second?.stop()])
    t.cleanup()
  })

  it('moves to the next relay when its relay drains, and back when that one goes', async () => {
    const status = () => rest(a.api, a.token).get<Status>('/collab/status')
    await waitFor(async () => (await status()).connected, 'connected to the first relay')
    expect((await status()).relayUrl).toBe(first.url)
    await first.stop()
    await waitFor(async () => {
      const s = await status()
      return s.connected && s.relayUrl === second.url
    }, 'connected to the second relay')
    const online = await fetch(`${second.url}/api/users/online`).then(
      (r) => r.json() as Promise<Array<{ id: string }>>,
    )
    expect(online.map((u) => u.id)).toContain(USER_A.id)
    await first.start()
    await second.stop()
    await waitFor(async () => {
      const s = await status()
      return s.connected && s.relayUrl === first.url
    }, 'back on the first relay')
  })
})
