import { useStore } from '../store/store'
import { setTransport } from '../transport/current'
import type { Transport } from '../transport/types'
import { loadComments } from './comments'
import { loadShares } from './ideas'
import { connectLive } from './live'
import { loadAll } from './load'

/** Starts the app's data flow: the live channel, then every REST read. */
export async function start(t: Transport): Promise<void> {
  setTransport(t)
  connectLive()
  await loadAll()
  // Cards left open when the page was last shown (the place in the URL) show their threads again.
  const s = useStore.getState()
  const open = Object.keys(s.expanded).filter((id) => s.expanded[id] && s.ideas[id])
  await Promise.all([
    ...open.map((id) => loadComments(id)),
    ...open.filter((id) => s.ideas[id]?.readOnly === false).map((id) => loadShares(id)),
  ])
}
