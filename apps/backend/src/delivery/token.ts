import { DEV_JWT_SECRET } from '@pp/contracts'
import { mintBackendToken, secretKey } from '@pp/contracts/tokens'

/**
 * Without COLLAB_TOKEN (development only): a relay token signed with the public development secret,
 * which only a development relay (no COLLAB_JWT_PUBLIC_KEY or COLLAB_JWT_SECRET) accepts. Minted
 * afresh at every connect, so it never outlives its 30 days.
 */
export function mintDevRelayToken(userId: string): Promise<string> {
  return mintBackendToken(secretKey(DEV_JWT_SECRET), { userId })
}
