import { type OnlineUser, parseWith, RelayOnlineUsers } from '@pp/contracts'
import type { PeerNames } from '../domain/peer-names.js'
import { relayGetJson } from './relay-client.js'

/**
 * The users online at the relay at `base` (`GET /api/users/online`), named as this backend knows them:
 * a friend's own signed name over the relay's label.
 */
export async function relayOnlineUsers(
  base: string,
  ca: string | undefined,
  names: PeerNames,
  timeoutMs = 3000,
): Promise<OnlineUser[]> {
  const parsed = parseWith(RelayOnlineUsers, await relayGetJson(`${base}/api/users/online`, ca, timeoutMs))
  if (!parsed.ok) throw new Error(`the relay's online list is not valid: ${parsed.message}`)
  return parsed.value.map((u) => ({ id: u.id, displayName: names.heard(u.id, u.displayName) }))
}
