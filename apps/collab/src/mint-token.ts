import { SignJWT } from 'jose'

/** `30d`, `12h`, `15m`, `90s` or a number of seconds → seconds. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim())
  if (match === null) return undefined
  const n = Number(match[1])
  const unit = match[2] === 'd' ? 86_400 : match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1
  return n > 0 ? n * unit : undefined
}

/** A backend's relay token: HS256, `sub` = user id, `name` = display name, `iat`, `exp`. */
export async function mintToken(opts: {
  secret: string
  userId: string
  name: string
  ttlSeconds: number
  now?: number
}): Promise<string> {
  const iat = Math.floor((opts.now ?? Date.now()) / 1000)
  return new SignJWT({ name: opts.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + opts.ttlSeconds)
    .sign(new TextEncoder().encode(opts.secret))
}
