import { setTransport } from '../transport/current'
import type { Transport } from '../transport/types'
import { connectLive } from './live'
import { loadAll } from './load'

/** Starts the app's data flow: the live channel, then every REST read. */
export async function start(t: Transport): Promise<void> {
  setTransport(t)
  connectLive()
  await loadAll()
}
