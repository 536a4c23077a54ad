import { freePort, spawnRelay } from './processes.js'

export type RelayHandle = { url: string; port: number; stop(): Promise<void>; start(): Promise<void> }

/**
 * The relay for integration tests: the real relay process (apps/collab/dist/server.js). */
export async function startRelay(dir: string, name = 'relay'): Promise<RelayHandle> {
  const port = await freePort()
  const proc = await spawnRelay(dir, name, port)
  return { url: proc.url, port, stop: () => proc.stop(), start: () => proc.start() }
}
