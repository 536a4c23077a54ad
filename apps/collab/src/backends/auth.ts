import { CollabTokenClaims, TOKEN_CLOCK_TOLERANCE_S, type UserRef } from '@pp/contracts'
import { errors, jwtVerify } from 'jose'

export type BackendIdentity = { user: UserRef /** `exp` in ms since the epoch */; expiresAt: number }
export type AuthResult = { ok: true; identity: BackendIdentity } | { ok: false; reason: string }

/** The token of an `Authorization: Bearer <JWT>` header, if it has that form. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/**
 * Verifies a backend's token: HS256 only (an `alg:none` or any other algorithm is refused), `exp`
 * required and enforced with TOKEN_CLOCK_TOLERANCE_S of leeway, `sub` a user id and `name` required.
 */
export async function verifyBackendToken(token: string | undefined, secret: Uint8Array): Promise<AuthResult> {
  if (token === undefined) return { ok: false, reason: 'missing bearer token' }
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      clockTolerance: TOKEN_CLOCK_TOLERANCE_S,
      requiredClaims: ['exp', 'sub'],
    })
    const claims = CollabTokenClaims.safeParse(payload)
    if (!claims.success)
      return { ok: false, reason: 'token claims: sub (user id), name and exp are required' }
    return {
      ok: true,
      identity: {
        user: { id: claims.data.sub, displayName: claims.data.name },
        expiresAt: claims.data.exp * 1000,
      },
    }
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, reason: 'token expired' }
    if (err instanceof errors.JOSEAlgNotAllowed) return { ok: false, reason: 'token algorithm not allowed' }
    return { ok: false, reason: 'invalid token' }
  }
}
