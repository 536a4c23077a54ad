import { CollabTokenClaims, TokenAudience, type UserRef } from '@pp/contracts'
import { type VerifyKey, verifyToken } from '@pp/contracts/tokens'

export type BackendIdentity = { user: UserRef /** `exp` in ms since the epoch */; expiresAt: number }
export type AuthResult = { ok: true; identity: BackendIdentity } | { ok: false; reason: string }

/** The token of an `Authorization: Bearer <JWT>` header, if it has that form. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 8200) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/**
 * Verifies a backend's token with the configured keys (EdDSA/ES256 public keys, an HS256 secret; an
 * `alg:none` or any other algorithm is refused): `aud` a backend token (never a session token), `exp`
 * required and enforced with TOKEN_CLOCK_TOLERANCE_S of leeway, `sub` a user id. Without a `name` claim
 * the user is known by its id: a user's own display name reaches its friends sealed, never through here.
 */
export async function verifyBackendToken(
  token: string | undefined,
  keys: readonly VerifyKey[],
): Promise<AuthResult> {
  if (token === undefined) return { ok: false, reason: 'missing bearer token' }
  const verified = await verifyToken(token, keys, TokenAudience.BACKEND)
  if (!verified.ok) return verified
  const claims = CollabTokenClaims.safeParse(verified.payload)
  if (!claims.success)
    return {
      ok: false,
      reason: 'token claims: sub (user id), aud and exp are required (name, if given, 1-100 characters)',
    }
  return {
    ok: true,
    identity: {
      user: { id: claims.data.sub, displayName: claims.data.name ?? claims.data.sub },
      expiresAt: claims.data.exp * 1000,
    },
  }
}
