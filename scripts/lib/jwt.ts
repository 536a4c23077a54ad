import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url')

/** Mints the HS256 relay token a backend presents (claims `sub`, `name`, `iat`, `exp`). */
export function mintRelayToken(
  secret: string,
  userId: string,
  name: string,
  ttlSeconds = 30 * 24 * 3600,
): string {
  const now = Math.floor(Date.now() / 1000)
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const payload = b64url(JSON.stringify({ sub: userId, name, iat: now, exp: now + ttlSeconds }))
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}

/**
 * The shared relay secret: COLLAB_JWT_SECRET from the environment when set, else one generated on first
 * start and kept in `file` (git-ignored), so tokens stay valid across restarts.
 */
export function loadOrCreateSecret(file: string, fromEnv: string | undefined): string {
  if (fromEnv && fromEnv.length >= 16) return fromEnv
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim()
    if (stored.length >= 16) return stored
  }
  const secret = randomBytes(32).toString('hex')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
