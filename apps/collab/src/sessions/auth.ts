import { TOKEN_CLOCK_TOLERANCE_S } from '@pp/contracts'
import { errors, jwtVerify } from 'jose'

export type SessionAuthResult = { ok: true } | { ok: false; reason: string }

/**
 * With `SESSION_AUTH=required`, a session socket must carry `?token=<JWT>` (HS256, the relay's secret)
 * whose `sub` is the user id in the path.
 */
export async function verifySessionToken(
  token: string | undefined,
  userId: string,
  secret: Uint8Array,
): Promise<SessionAuthResult> {
  if (token === undefined || token.length === 0)
    return { ok: false, reason: 'token required: add ?token=<JWT>' }
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      clockTolerance: TOKEN_CLOCK_TOLERANCE_S,
    })
    if (payload.sub !== userId) return { ok: false, reason: 'token does not match the user id' }
    return { ok: true }
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, reason: 'token expired' }
    return { ok: false, reason: 'invalid token' }
  }
}
