import type { Transport } from './types'

let current: Transport | null = null

/** The transport the actions use: the real REST + socket.io one in the app, a fake in tests. */
export function setTransport(t: Transport | null): void {
  current = t
}

export function transport(): Transport {
  if (!current) throw new Error('transport not set: call start() first')
  return current
}
