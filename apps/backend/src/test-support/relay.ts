import { freePort, spawnRelay } from './processes.js'
import type { TestTls } from './tls.js'

export type RelayHandle = { url: string; port: number; stop(): Promise<void>; start(): Promise<void> }

/**
 * The relay for integration tests: the real relay process (apps/collab/dist/server.js). */
export async function startRelay(dir: string, name = 'relay', tls?: TestTls): Promise<RelayHandle> {
  const port = await freePort()
  const proc = await spawnRelay(dir, name, port, tls)
  return { url: proc.url, port, stop: () => proc.stop(), start: () => proc.start() }
}
