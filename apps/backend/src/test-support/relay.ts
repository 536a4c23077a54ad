import { FakeRelay } from './fake-relay.js'
import { freePort, spawnRelay } from './processes.js'

export type RelayHandle = { url: string; port: number; stop(): Promise<void>; start(): Promise<void> }

/**
 * The relay for integration tests: the real relay process (apps/collab/dist/server.js). With
 * PP_FAKE_RELAY=1 an in-process stand-in is used instead (for working on the backend alone).
 */
export async function startRelay(dir: string, name = 'relay'): Promise<RelayHandle> {
  const port = await freePort()
  if (process.env.PP_FAKE_RELAY === '1') {
    const fake = new FakeRelay()
    await fake.start(port)
    return { url: fake.url, port, stop: () => fake.stop(), start: () => fake.start(port) }
  }
  const proc = await spawnRelay(dir, name, port)
  return { url: proc.url, port, stop: () => proc.stop(), start: () => proc.start() }
}
