import { readFileSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import {
  BackendEnv,
  EnvError,
  isLoopbackAddress,
  isPostgresUrl,
  isProduction,
  loadEnv,
  readPem,
  tlsFilesOf,
  tokenOf,
} from '@pp/contracts'

export type Config = BackendEnv & {
  /** No COLLAB_TOKEN: the backend signs its own relay token with the public development secret. */
  usesDevSecret: boolean
  /** NODE_ENV names production (any case). */
  production: boolean
  /** TLS_CERT_FILE and TLS_KEY_FILE's PEM text: the backend serves HTTPS (REST and socket.io). */
  tls: { cert: string; key: string } | undefined
  /** COLLAB_CA_FILE's PEM text: trusted (besides the system's CAs) for wss:// and https:// relays. */
  collabCa: string | undefined
  /** METRICS_TOKEN, or METRICS_TOKEN_FILE's content: a Bearer token that opens /metrics only. */
  metricsToken: string | undefined
  /** Which database DATABASE_URL names, with what the backend needs to open it. */
  database: Database
  /** DATA_DIR, absolute: where the backend keeps its own files (the generated API token, its keys). */
  dataDir: string
}

/** A SQLite file (embedded, the default) or a PostgreSQL server (hosted backends). */
export type Database =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres'
      /** The server URL, without the `schema` parameter (node-postgres does not know it). */
      url: string
      /** `?schema=` of DATABASE_URL, else `public`: the backend's tables live there. */
      schema: string
      /** DATABASE_POOL_SIZE: connections in the pool. */
      poolSize: number
      /** A name for the backend's files in DATA_DIR: the database (and schema, when not public). */
      name: string
    }

/** Connections in a PostgreSQL backend's pool when DATABASE_POOL_SIZE is unset. */
export const DEFAULT_POOL_SIZE = 10

/** Shortest ENCRYPTION_KEY production accepts (development takes any non-empty key). */
export const MIN_PRODUCTION_KEY = 16

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
  if (
    production &&
    parsed.ENCRYPTION_KEY !== undefined &&
    parsed.ENCRYPTION_KEY.length < MIN_PRODUCTION_KEY
  ) {
    throw new EnvError([
      `ENCRYPTION_KEY: must be at least ${MIN_PRODUCTION_KEY} characters when NODE_ENV=production`,
    ])
  }
  const usesDevSecret = parsed.COLLAB_TOKEN === undefined && parsed.COLLAB_TOKEN_FILE === undefined
  if (usesDevSecret && production && parsed.ENABLE_COLLABORATION) {
    throw new EnvError(['COLLAB_TOKEN: is required when NODE_ENV=production'])
  }
  if (parsed.BACKEND_AUTH === 'none' && !isLoopbackAddress(parsed.HOST)) {
    // Without sign-in, whoever reaches the port is the user: only this machine may reach it.
    throw new EnvError([
      `BACKEND_AUTH: none is allowed only on a loopback HOST (HOST is ${parsed.HOST}); remove BACKEND_AUTH or bind 127.0.0.1`,
    ])
  }
  const database = databaseOf(parsed)
  const read = (file: string) => readFileSync(file, 'utf8')
  const { tls, lines } = tlsFilesOf(parsed, read)
  const collabCa =
    parsed.COLLAB_CA_FILE === undefined
      ? undefined
      : readPem('COLLAB_CA_FILE', parsed.COLLAB_CA_FILE, read, lines)
  const metricsToken = tokenOf('METRICS_TOKEN', parsed.METRICS_TOKEN, parsed.METRICS_TOKEN_FILE, read, lines)
  if (lines.length > 0) throw new EnvError(lines)
  const dataDir = resolve(
    parsed.DATA_DIR ?? (database.kind === 'sqlite' ? dirname(resolve(database.path)) : '.'),
  )
  return { ...parsed, usesDevSecret, production, tls, collabCa, metricsToken, database, dataDir }
}

/** DATABASE_URL and the settings that go with its kind; throws EnvError for a mismatched one. */
function databaseOf(parsed: BackendEnv): Database {
  if (!isPostgresUrl(parsed.DATABASE_URL)) {
    if (parsed.DATABASE_POOL_SIZE !== undefined) {
      throw new EnvError([
        'DATABASE_POOL_SIZE: applies to a postgresql:// DATABASE_URL only (a SQLite file has one connection); remove it',
      ])
    }
    return { kind: 'sqlite', path: databasePath(parsed.DATABASE_URL) }
  }
  const lines: string[] = []
  if (parsed.ENCRYPTION_KEY !== undefined) {
    // Encryption at rest of a server's database is the server's (disk encryption); the link is TLS.
    lines.push(
      'ENCRYPTION_KEY: encrypts a SQLite file only; a postgresql:// database is protected by its server (disk encryption, sslmode=verify-full): remove ENCRYPTION_KEY',
    )
  }
  if (parsed.DATA_DIR === undefined) {
    lines.push(
      'DATA_DIR: is required with a postgresql:// DATABASE_URL (the folder for the backend’s key and API token files)',
    )
  }
  if (lines.length > 0) throw new EnvError(lines)
  const u = new URL(parsed.DATABASE_URL)
  const schema = u.searchParams.get('schema') || 'public'
  u.searchParams.delete('schema')
  const db = decodeURIComponent(u.pathname.slice(1))
  return {
    kind: 'postgres',
    url: u.toString(),
    schema,
    poolSize: parsed.DATABASE_POOL_SIZE ?? DEFAULT_POOL_SIZE,
    name: schema === 'public' ? db : `${db}.${schema}`,
  }
}

/** The web app's URL for sign-in links: BACKEND_WEB_URL, or BACKEND_URL when this backend serves WEB_DIST. */
export function webUrlOf(config: Config): string | undefined {
  return config.BACKEND_WEB_URL ?? (config.WEB_DIST ? config.BACKEND_URL : undefined)
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

/**
 * A file of the backend's own (its API token, its keys) in DATA_DIR, named after the database:
 * `data/portfolio_user_a.db` → `data/portfolio_user_a.<ext>`; `postgresql://…/pp_a` → `$DATA_DIR/pp_a.<ext>`.
 */
export function dataFilePath(config: Pick<Config, 'database' | 'dataDir'>, ext: string): string {
  const { database } = config
  const name =
    database.kind === 'postgres'
      ? database.name
      : basename(database.path, extname(database.path)) || basename(database.path)
  return join(config.dataDir, `${name}.${ext}`)
}

/** The file path of a `file:` DATABASE_URL, relative to the working directory. */
export function databasePath(url: string): string {
  return url.replace(/^file:/, '').replace(/\?.*$/, '')
}
