import { BackendEnv, DEV_JWT_SECRET, EnvError, loadEnv } from '@pp/contracts'

export type Config = BackendEnv & {
  /** Secret this backend signs its own relay token with when COLLAB_TOKEN is not given. */
  jwtSecret: string
  /** True when the dev secret is in use (no COLLAB_TOKEN and no COLLAB_JWT_SECRET). */
  usesDevSecret: boolean
}

/** Env (already merged with .env) → typed config; throws EnvError with one line per bad variable. */
export function configFrom(env: Record<string, string | undefined>): Config {
  const parsed = loadEnv(BackendEnv, env)
  const usesDevSecret = parsed.COLLAB_TOKEN === undefined && parsed.COLLAB_JWT_SECRET === undefined
  if (usesDevSecret && parsed.NODE_ENV === 'production' && parsed.ENABLE_COLLABORATION) {
    throw new EnvError(['COLLAB_JWT_SECRET: is required in production when COLLAB_TOKEN is not set'])
  }
  return { ...parsed, jwtSecret: parsed.COLLAB_JWT_SECRET ?? DEV_JWT_SECRET, usesDevSecret }
}

/** The file path of a `file:` DATABASE_URL, relative to the working directory. */
export function databasePath(url: string): string {
  return url.replace(/^file:/, '').replace(/\?.*$/, '')
}
