import { z } from 'zod'
import { Id } from './common.js'

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'True', 'False'], {
      message: 'must be true or false',
    })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'TRUE', 'True'].includes(v)))

const int = (fallback: number, min = 0) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(min)
    .optional()
    .transform((v) => v ?? fallback)

const port = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a port number' })
    .int()
    .min(0)
    .max(65535, 'must be a port number (0-65535)')
    .optional()
    .transform((v) => v ?? fallback)

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )

/** Comma-separated browser origins (`http://localhost:3000`), each kept as its normalized origin. */
const origins = csv
  .pipe(
    z.array(
      z.url({ protocol: /^https?$/, message: 'must list http(s) origins, e.g. http://localhost:3000' }),
    ),
  )
  .transform((list) => list.map((o) => new URL(o).origin))

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
/** Accepts the guide's `INFO` as well as pino's `info`; `warning` means `warn`. */
export const LogLevel = z
  .string()
  .optional()
  .transform((v) => (v ?? 'info').toLowerCase().replace(/^warning$/, 'warn'))
  .pipe(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }))

const httpUrl = z.url({ protocol: /^(https?|wss?)$/, message: 'must be an http(s):// or ws(s):// URL' })

/** The relay's settings (apps/collab). */
export const RelayEnv = z.object({
  NODE_ENV: z.string().optional(),
  PORT: port(9000),
  /** Loopback by default: exposing the relay is a choice (`HOST=0.0.0.0`). */
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: LogLevel,
  /** PEM certificate chain and private key: both set, the relay serves HTTPS/WSS (read at start). */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /**
   * Public key(s) tokens are verified with (EdDSA or ES256): a PEM or JWKS file, or its text. The
   * private key stays with the issuer.
   */
  COLLAB_JWT_PUBLIC_KEY: z.string().optional(),
  /** HS256 secret tokens are verified with (development, or operators who choose HS256). */
  COLLAB_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Bearer token for the directory endpoints (`/api/users/online`, `/api/sessions`) and `/metrics`.
   * Unset: they answer loopback clients only.
   */
  OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A file holding OPERATOR_TOKEN (a compose secret), instead of the variable. */
  OPERATOR_TOKEN_FILE: z.string().min(1).optional(),
  /** Browser origins allowed to open a socket; requests without Origin (backends) always pass. */
  ALLOWED_ORIGINS: csv,
  MAX_CONNECTIONS_PER_USER: int(1, 1),
  MAX_PAYLOAD_BYTES: int(1024 * 1024, 1024),
  RATE_LIMIT_PER_SEC: int(2000, 1),
  RATE_LIMIT_BURST: int(4000, 1),
  SEND_BUFFER_LIMIT_BYTES: int(4 * 1024 * 1024, 1024),
  HEARTBEAT_MS: int(25_000, 100),
  /** Time a connection has to finish its upgrade before it is dropped. */
  AUTH_TIMEOUT_MS: int(10_000, 100),
  /** `open` (default) lets anyone join a session room; `required` wants `?token=` naming the user id. */
  SESSION_AUTH: z.enum(['open', 'required'], { message: 'must be open or required' }).default('open'),
  SESSION_IDLE_TIMEOUT_MS: int(90_000, 100),
  SESSION_SYNC_TIMEOUT_MS: int(3_000, 50),
  /** redis://host:port; when set, relay nodes share presence and routing through Redis. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, message: 'must be a redis:// URL' }).optional(),
  NODE_ID: z.string().optional(),
  /** Lease TTL of a user's presence key in Redis. */
  PRESENCE_TTL_MS: int(15_000, 1000),
})
export type RelayEnv = z.infer<typeof RelayEnv>

/**
 * The backend's database: a SQLite file (`file:./x.db`; the guide's `sqlite:///./x.db` is turned into
 * it) or a PostgreSQL server (`postgresql://user:password@host:5432/db`, `postgres://` too, optionally
 * `?schema=name`).
 */
export const DatabaseUrl = z
  .string({ message: 'is required, e.g. file:./portfolio_user_a.db' })
  .transform((v) => v.trim().replace(/^sqlite:\/\/\//, 'file:'))
  .refine(
    (v) => (v.startsWith('file:') && v.length > 5) || isPostgresUrl(v),
    'must be a SQLite file URL (file:./portfolio_user_a.db) or a postgresql://user@host:5432/db URL',
  )

/** A `postgresql://` (or `postgres://`) URL with a host and a database name. */
export function isPostgresUrl(v: string): boolean {
  if (!/^postgres(ql)?:\/\//.test(v)) return false
  try {
    const u = new URL(v)
    return u.hostname !== '' && u.pathname.length > 1
  } catch {
    return false
  }
}

/** Connections in a PostgreSQL backend's pool (DATABASE_POOL_SIZE). */
export const MAX_POOL_SIZE = 100

/** One user's backend (apps/backend). Names as the distributed testing guide writes them. */
export const BackendEnv = z.object({
  NODE_ENV: z.string().optional(),
  PORT: port(8000),
  /** Loopback by default: exposing a user's backend is a choice (`HOST=0.0.0.0`). */
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: DatabaseUrl,
  /** Connections in the pool of a postgresql:// database (default 10); SQLite uses one connection. */
  DATABASE_POOL_SIZE: z.coerce
    .number({ message: `must be a whole number from 1 to ${MAX_POOL_SIZE}` })
    .int(`must be a whole number from 1 to ${MAX_POOL_SIZE}`)
    .min(1, `must be a whole number from 1 to ${MAX_POOL_SIZE}`)
    .max(MAX_POOL_SIZE, `must be a whole number from 1 to ${MAX_POOL_SIZE}`)
    .optional(),
  /**
   * The folder for the backend's own files (the generated API token). Default: the SQLite file's folder;
   * required with a postgresql:// database.
   */
  DATA_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  SECRET_KEY: z.string().optional(),
  ENCRYPTION_KEY: z.string().optional(),
  /** Browser origins, besides the backend's own, that may call it with credentials (REST and socket.io). */
  CORS_ORIGINS: origins,
  USE_MOCK_SCHWAB_DATA: bool(true),
  LOG_LEVEL: LogLevel,
  ENABLE_COLLABORATION: bool(true),
  /** One relay URL or a comma-separated list tried in turn. */
  COLLABORATION_SERVICE_URL: z
    .string()
    .default('http://localhost:9000')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .pipe(z.array(httpUrl).min(1, 'must name at least one relay URL')),
  BACKEND_USER_ID: Id,
  BACKEND_URL: httpUrl.optional(),
  BACKEND_DISPLAY_NAME: z.string().trim().min(1, 'must not be empty').max(100),
  /**
   * The relay token (JWT) its issuer minted for this user. Without it, outside production, the backend
   * signs one with the public development secret, which only a development relay accepts.
   */
  COLLAB_TOKEN: z.string().min(1).max(8192).optional(),
  /** A file holding the relay token (read at every connect, so a new token takes effect without a restart). */
  COLLAB_TOKEN_FILE: z.string().min(1).optional(),
  /** Never set on a backend: present only so that a misplaced relay secret is refused with a clear line. */
  COLLAB_JWT_SECRET: z.string().optional(),
  /** Folder of a built web app to serve at / (production-style start). */
  WEB_DIST: z.string().optional(),
  /**
   * `token` (default): every REST route but /health, and the live channel, want the API token or a
   * session cookie. `none` turns sign-in off; allowed on a loopback HOST only.
   */
  BACKEND_AUTH: z.enum(['token', 'none'], { message: 'must be token or none' }).default('token'),
  /** The API token (Bearer). Unset: one is generated at first start into a 0600 file in DATA_DIR (default: beside the SQLite file). */
  BACKEND_API_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').max(512).optional(),
  /** Extra `Host` names the backend answers to (besides localhost, loopback, HOST and the configured URLs). */
  ALLOWED_HOSTS: csv,
  /** The web app's URL for this user, used to print a sign-in link (`<url>/?code=…`) at start. */
  BACKEND_WEB_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s):// URL' }).optional(),
  /** PEM certificate chain and private key: both set, the backend serves HTTPS (REST and socket.io). */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** PEM CA certificate(s) trusted, besides the system's, for `wss://`/`https://` relays. */
  COLLAB_CA_FILE: z.string().min(1).optional(),
  /**
   * A scrape-only Bearer token for `GET /metrics` (Prometheus), which opens nothing else. /metrics also
   * takes the API token or a session; without any of them it answers 401.
   */
  METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').max(512).optional(),
  /** A file holding METRICS_TOKEN (a compose secret), instead of the variable. */
  METRICS_TOKEN_FILE: z.string().min(1).optional(),
})
export type BackendEnv = z.infer<typeof BackendEnv>
