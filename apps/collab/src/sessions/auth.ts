import { SessionTokenClaims, TokenAudience } from '@pp/contracts'
import { type VerifyKey, verifyToken } from '@pp/contracts/tokens'

export type SessionAuthResult = { ok: true } | { ok: false; reason: string }

/**
 * With `SESSION_AUTH=required`, a session socket must carry `?token=<JWT>`: a session token (`aud`
 * session, never a backend token) with `exp`, whose `sub` is the user id in the path and whose
 * `sessions`, when present, lists the session joined.
 */
export async function verifySessionToken(
  token: string | undefined,
  sessionId: string,
  userId: string,
  keys: readonly VerifyKey[],
): Promise<SessionAuthResult> {
  if (token === undefined || token.length === 0)
    return { ok: false, reason: 'token required: add ?token=<JWT>' }
  const verified = await verifyToken(token, keys, TokenAudience.SESSION)
  if (!verified.ok) return verified
  const claims = SessionTokenClaims.safeParse(verified.payload)
  if (!claims.success) return { ok: false, reason: 'token claims: sub, aud and exp are required' }
  if (claims.data.sub !== userId) return { ok: false, reason: 'token does not match the user id' }
  if (claims.data.sessions !== undefined && !claims.data.sessions.includes(sessionId))
    return { ok: false, reason: 'token does not allow this session' }
  return { ok: true }
}
