import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { parseArgs } from 'node:util'
import {
  DEV_JWT_SECRET,
  EnvError,
  isLoopbackAddress,
  isProduction,
  KNOWN_PUBLIC_SECRETS,
  loadEnv,
  MIN_PRODUCTION_SECRET_BYTES,
  RelayEnv,
  tlsFilesOf,
  tokenOf,
} from '@pp/contracts'
import { KeyError, secretKey, type VerifyKey, verifyKeysFromText } from '@pp/contracts/tokens'

/** The relay's validated settings: env (RelayEnv) plus the command-line flags. */
export type RelayConfig = RelayEnv & {
  /** `--debug`: log at debug level (overrides LOG_LEVEL). */
  DEBUG: boolean
  /** Keys tokens are verified with: COLLAB_JWT_PUBLIC_KEY's, COLLAB_JWT_SECRET, or the development secret. */
  verifyKeys: VerifyKey[]
  /** True when neither COLLAB_JWT_PUBLIC_KEY nor COLLAB_JWT_SECRET was given (development secret in use). */
  usingDevSecret: boolean
  /** NODE_ENV names production (any case). */
  production: boolean
  /** HOST is a loopback address: nothing outside this machine reaches the relay. */
  loopbackOnly: boolean
  /** This node's id in a cluster (NODE_ID, else host name + random suffix). */
  nodeId: string
  /** TLS_CERT_FILE and TLS_KEY_FILE's PEM text: the relay serves HTTPS/WSS. Undefined: plain HTTP/WS. */
  tls: { cert: string; key: string } | undefined
}

/**
 * Reads env and flags once. Flags win over env (`--port` over PORT, `--host` over HOST).
 * Throws a EnvError with one line per bad variable or flag.
 */
export function loadConfig(argv: readonly string[], env: Record<string, string | undefined>): RelayConfig {
  const lines: string[] = []
  let flags: { port?: string | undefined; host?: string | undefined; debug?: boolean | undefined } = {}
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        debug: { type: 'boolean', short: 'd' },
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (err) {
    lines.push(`flags: ${err instanceof Error ? err.message : String(err)}`)
  }

  const merged: Record<string, string | undefined> = { ...env }
  if (flags.port !== undefined) merged.PORT = flags.port
  if (flags.host !== undefined) merged.HOST = flags.host

  let parsed: RelayEnv | undefined
  try {
    parsed = loadEnv(RelayEnv, merged)
  } catch (err) {
    if (err instanceof EnvError) lines.push(...err.lines)
    else throw err
  }
  if (parsed === undefined || lines.length > 0) throw new EnvError(lines)

  const production = isProduction(parsed.NODE_ENV)
  const loopbackOnly = isLoopbackAddress(parsed.HOST)
  const tlsFiles = tlsFilesOf(parsed, (file) => readFileSync(file, 'utf8'))
  lines.push(...tlsFiles.lines)
  const operatorToken = tokenOf(
    'OPERATOR_TOKEN',
    parsed.OPERATOR_TOKEN,
    parsed.OPERATOR_TOKEN_FILE,
    (file) => readFileSync(file, 'utf8'),
    lines,
  )
  const verifyKeys: VerifyKey[] = []
  if (parsed.COLLAB_JWT_PUBLIC_KEY !== undefined) {
    try {
      verifyKeys.push(...verifyKeysFromText(readKeyText(parsed.COLLAB_JWT_PUBLIC_KEY)))
    } catch (err) {
      lines.push(
        `COLLAB_JWT_PUBLIC_KEY: ${err instanceof KeyError || err instanceof Error ? err.message : String(err)}`,
      )
    }
  }
  const secret = parsed.COLLAB_JWT_SECRET
  if (secret !== undefined) {
    if (production && KNOWN_PUBLIC_SECRETS.includes(secret))
      lines.push('COLLAB_JWT_SECRET: is a published example secret; generate one (openssl rand -hex 32)')
    else if (production && Buffer.byteLength(secret) < MIN_PRODUCTION_SECRET_BYTES)
      lines.push(
        `COLLAB_JWT_SECRET: must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes when NODE_ENV=production`,
      )
    else verifyKeys.push(secretKey(secret))
  }
  const usingDevSecret = parsed.COLLAB_JWT_PUBLIC_KEY === undefined && secret === undefined
  if (usingDevSecret) {
    if (production)
      lines.push(
        'COLLAB_JWT_PUBLIC_KEY: is required when NODE_ENV=production (or a COLLAB_JWT_SECRET of 32+ bytes)',
      )
    else verifyKeys.push(secretKey(DEV_JWT_SECRET))
  }
  if (parsed.SESSION_AUTH === 'open' && !loopbackOnly)
    lines.push(
      `SESSION_AUTH: must be required when the relay binds a non-loopback address (HOST=${parsed.HOST}); anyone could join any session as anyone`,
    )
  if (parsed.RATE_LIMIT_BURST < parsed.RATE_LIMIT_PER_SEC) {
    // A bucket smaller than one second's allowance is a configuration mistake, not a choice.
    lines.push('RATE_LIMIT_BURST: must be at least RATE_LIMIT_PER_SEC')
  }
  if (lines.length > 0) throw new EnvError(lines)

  return {
    ...parsed,
    DEBUG: flags.debug === true,
    LOG_LEVEL: flags.debug === true ? 'debug' : parsed.LOG_LEVEL,
    verifyKeys,
    usingDevSecret,
    production,
    loopbackOnly,
    tls: tlsFiles.tls,
    OPERATOR_TOKEN: operatorToken,
    nodeId: parsed.NODE_ID ?? `${hostname()}-${randomUUID().slice(0, 8)}`,
  }
}

/** COLLAB_JWT_PUBLIC_KEY names a file, or holds the PEM/JWKS text itself. */
function readKeyText(value: string): string {
  const v = value.trim()
  if (v.startsWith('-----BEGIN') || v.startsWith('{')) return v
  if (!existsSync(v)) throw new KeyError(`no such file: ${v}`)
  return readFileSync(v, 'utf8')
}

/** For entry points: the config, or one line per problem on stderr and exit code 1. */
export function loadConfigOrExit(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): RelayConfig {
  try {
    return loadConfig(argv, env)
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write('collab: invalid configuration\n')
      for (const line of err.lines) process.stderr.write(`  ${line}\n`)
      process.exit(1)
    }
    throw err
  }
}

/**
 * The WebSocket Origin rule for both socket kinds: a browser page may connect only from an origin in
 * ALLOWED_ORIGINS (CORS does not apply to WebSockets); clients that send no Origin (backends, desktop
 * clients) pass.
 */
export function originAllowed(
  config: Pick<RelayEnv, 'ALLOWED_ORIGINS'>,
): (origin: string | undefined) => boolean {
  const allowed = new Set(config.ALLOWED_ORIGINS)
  return (origin) => origin === undefined || allowed.has(origin)
}
