import { readFileSync } from 'node:fs'
import { BackendEnv, EnvError, isProduction, loadEnv } from '@pp/contracts'

export type Config = BackendEnv & {
  /** No COLLAB_TOKEN: the backend signs its own relay token with the public development secret. */
  usesDevSecret: boolean
  /** NODE_ENV names production (any case). */
  production: boolean
}

/** Env (already merged with .env) → typed config; throws EnvError with one line per bad variable. */
export function configFrom(env: Record<string, string | undefined>): Config {
  const parsed = loadEnv(BackendEnv, env)
  const production = isProduction(parsed.NODE_ENV)
  if (parsed.COLLAB_JWT_SECRET !== undefined) {
    // Whoever holds the relay's secret can mint a token for any user: it stays with the issuer.
    throw new EnvError([
      "COLLAB_JWT_SECRET: a backend never holds the relay's signing secret; give it its own COLLAB_TOKEN (node apps/collab/dist/token.js --user … --name …)",
    ])
  }
  if (parsed.COLLAB_TOKEN_FILE !== undefined) {
    const problem = unreadable(parsed.COLLAB_TOKEN_FILE)
    if (problem !== undefined) throw new EnvError([`COLLAB_TOKEN_FILE: ${problem}`])
  }
  const usesDevSecret = parsed.COLLAB_TOKEN === undefined && parsed.COLLAB_TOKEN_FILE === undefined
  if (usesDevSecret && production && parsed.ENABLE_COLLABORATION) {
    throw new EnvError(['COLLAB_TOKEN: is required when NODE_ENV=production'])
  }
  return { ...parsed, usesDevSecret, production }
}

function unreadable(file: string): string | undefined {
  try {
    if (readFileSync(file, 'utf8').trim().length === 0) return `${file} is empty`
    return undefined
  } catch (err) {
    return `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`
  }
}

/** The relay token: COLLAB_TOKEN_FILE's content (read now, so a rotated token is picked up) or COLLAB_TOKEN. */
export function relayTokenOf(config: Config): string | undefined {
  if (config.COLLAB_TOKEN_FILE !== undefined) return readFileSync(config.COLLAB_TOKEN_FILE, 'utf8').trim()
  return config.COLLAB_TOKEN
}

/** The file path of a `file:` DATABASE_URL, relative to the working directory. */
export function databasePath(url: string): string {
  return url.replace(/^file:/, '').replace(/\?.*$/, '')
}
