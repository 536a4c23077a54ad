import { DatabaseUrl, EnvError, isPostgresUrl, isProduction } from '@pp/contracts'
import { databasePath, MIN_PRODUCTION_KEY } from '../config.js'
import { rotateKey } from './cipher.js'

/**
 * The key rotation command (src/rekey.ts) from its environment: DATABASE_URL, ENCRYPTION_KEY (the current
 * key) and NEW_ENCRYPTION_KEY. Returns the database path; throws EnvError with one line per problem.
 */
export function rekeyFrom(env: Record<string, string | undefined>): string {
  const lines: string[] = []
  const url = DatabaseUrl.safeParse(env.DATABASE_URL || undefined)
  if (!url.success) lines.push(`DATABASE_URL: ${url.error.issues[0]?.message ?? 'is required'}`)
  else if (isPostgresUrl(url.data)) {
    lines.push(
      'DATABASE_URL: rekey re-encrypts a SQLite file; a postgresql:// database has no ENCRYPTION_KEY',
    )
  }
  const current = env.ENCRYPTION_KEY || undefined
  const next = env.NEW_ENCRYPTION_KEY || undefined
  if (current === undefined)
    lines.push('ENCRYPTION_KEY: is required (the key the database is encrypted with now)')
  if (next === undefined)
    lines.push('NEW_ENCRYPTION_KEY: is required (the key to re-encrypt the database with)')
  else if (isProduction(env.NODE_ENV) && next.length < MIN_PRODUCTION_KEY) {
    lines.push(
      `NEW_ENCRYPTION_KEY: must be at least ${MIN_PRODUCTION_KEY} characters when NODE_ENV=production`,
    )
  } else if (next === current) lines.push('NEW_ENCRYPTION_KEY: is the same as ENCRYPTION_KEY')
  if (!url.success || current === undefined || next === undefined || lines.length > 0)
    throw new EnvError(lines)
  const path = databasePath(url.data)
  rotateKey(path, current, next)
  return path
}
