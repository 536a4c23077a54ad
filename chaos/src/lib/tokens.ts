import { TokenAudience } from '@pp/contracts'
import { SignJWT, UnsecuredJWT } from 'jose'

export const SECRET = 'chaos-suite-secret-0123456789abcdef'
export const OTHER_SECRET = 'some-other-secret-0123456789abcdef'

const key = (secret: string) => new TextEncoder().encode(secret)

export type TokenOptions = {
  secret?: string
  alg?: 'HS256' | 'HS384' | 'HS512'
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number
  omit?: ('sub' | 'name' | 'exp' | 'aud')[]
  /** Defaults to the backend audience. */
  aud?: string
}

/** A relay token as a backend presents it (HS256, `sub`, `name`, `aud`, `exp`), or a variant of it. */
export async function token(userId: string, name: string, opts: TokenOptions = {}): Promise<string> {
  const omit = new Set(opts.omit ?? [])
  const claims: Record<string, unknown> = {}
  if (!omit.has('name')) claims.name = name
  if (!omit.has('aud')) claims.aud = opts.aud ?? TokenAudience.BACKEND
  const now = Math.floor(Date.now() / 1000)
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt(now)
  if (!omit.has('sub')) jwt = jwt.setSubject(userId)
  if (!omit.has('exp')) jwt = jwt.setExpirationTime(now + (opts.expiresIn ?? 3600))
  return jwt.sign(key(opts.secret ?? SECRET))
}

/** An unsigned token (`alg: none`). */
export function unsecuredToken(userId: string, name: string): string {
  const now = Math.floor(Date.now() / 1000)
  return new UnsecuredJWT({ name, aud: TokenAudience.BACKEND })
    .setSubject(userId)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .encode()
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

/** A valid token whose payload was swapped for another user's, keeping the original signature. */
export function tamperedToken(valid: string, asUserId: string, name: string): string {
  const [header, , sig] = valid.split('.')
  const now = Math.floor(Date.now() / 1000)
  return `${header}.${b64({ name, sub: asUserId, aud: TokenAudience.BACKEND, iat: now, exp: now + 3600 })}.${sig}`
}

/** A token with `alg: none` in its header but the original signature kept. */
export function algNoneWithSignature(valid: string): string {
  const [, payload, sig] = valid.split('.')
  return `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${sig}`
}
