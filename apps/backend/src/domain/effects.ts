import type { LiveServerEventName, LiveServerEvents } from '@pp/contracts'

export type LiveEmit = {
  [K in LiveServerEventName]: { name: K; payload: Parameters<LiveServerEvents[K]>[0] }
}[LiveServerEventName]

/**
 * What a committed change causes outside the database: browser pushes, new outbox rows to dispatch,
 * a changed friend list to watch. Collected inside a transaction and published only after it commits.
 */
export class Effects {
  readonly live: LiveEmit[] = []
  outbox = false
  friends = false
  /** Users whose pinned keys changed in this transaction. */
  readonly peers = new Set<string>()

  emit<K extends LiveServerEventName>(name: K, payload: Parameters<LiveServerEvents[K]>[0]): void {
    this.live.push({ name, payload } as LiveEmit)
  }
}

/** Publishes effects after commit (the live channel, the dispatcher, the relay watch list). */
export interface EffectSink {
  publish(fx: Effects): void
}
