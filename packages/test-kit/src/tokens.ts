import { mintBackendToken, secretKey } from '@pp/contracts/tokens'

/** The HS256 secret test relays verify with unless a suite gives its own. */
export const TEST_RELAY_SECRET = 'test-secret-0123456789abcdef'

/**
 * A backend's relay token, as the token command mints it (`jose`, HS256): `sub` = the user's id, `name`
 * its display name (pass `name: undefined` for none), `aud` backend, `exp` in `ttlSeconds`.
 */
export function relayToken(
  user: { id: string; displayName?: string | undefined },
  opts: { secret?: string; ttlSeconds?: number; name?: string | undefined; now?: number } = {},
): Promise<string> {
  const name = 'name' in opts ? opts.name : user.displayName
  return mintBackendToken(secretKey(opts.secret ?? TEST_RELAY_SECRET), {
    userId: user.id,
    name,
    ...(opts.ttlSeconds === undefined ? {} : { ttlSeconds: opts.ttlSeconds }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
  })
}
