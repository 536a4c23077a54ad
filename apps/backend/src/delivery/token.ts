import { SignJWT } from 'jose'

/** A long-lived HS256 relay token for this backend's user (when COLLAB_TOKEN is not given). */
export async function mintRelayToken(secret: string, userId: string, name: string): Promise<string> {
  return new SignJWT({ name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime('3650d')
    .sign(new TextEncoder().encode(secret))
}
