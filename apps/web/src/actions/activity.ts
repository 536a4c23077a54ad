import { useStore } from '../store/store'
import { transport } from '../transport/current'

/** Loads an idea's history; live `activity:added` events keep it current. */
export async function loadActivity(ideaId: string): Promise<void> {
  try {
    useStore.getState().mergeActivity(ideaId, await transport().api.activity(ideaId))
  } catch {
    // The history keeps what it has; live events still arrive.
  }
}
