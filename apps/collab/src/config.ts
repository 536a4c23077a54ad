import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { parseArgs } from 'node:util'
import { DEV_JWT_SECRET, EnvError, loadEnv, RelayEnv } from '@pp/contracts'

/** The relay's validated settings: env (RelayEnv) plus the command-line flags. */
export type RelayConfig = RelayEnv & {
  /** `--debug`: log at debug level (overrides LOG_LEVEL). */
  DEBUG: boolean
  /** The HS256 secret tokens are verified with (COLLAB_JWT_SECRET or the development secret). */
  jwtSecret: string
  /** True when no COLLAB_JWT_SECRET was given and the development secret is in use. */
  usingDevSecret: boolean
  /** This node's id in a cluster (NODE_ID, else host name + random suffix). */
  nodeId: string
}

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(`invalid configuration:\n${lines.join('\n')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Reads env and flags once. Flags win over env (`--port` over PORT, `--host` over HOST).
 * Throws a ConfigError with one line per bad variable or flag.
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
  if (parsed === undefined || lines.length > 0) throw new ConfigError(lines)

  const production = parsed.NODE_ENV === 'production'
  if (parsed.COLLAB_JWT_SECRET === undefined && production) {
    throw new ConfigError(['COLLAB_JWT_SECRET: is required when NODE_ENV=production'])
  }
  if (parsed.RATE_LIMIT_BURST < parsed.RATE_LIMIT_PER_SEC) {
    // A bucket smaller than one second's allowance is a configuration mistake, not a choice.
    throw new ConfigError(['RATE_LIMIT_BURST: must be at least RATE_LIMIT_PER_SEC'])
  }

  return {
    ...parsed,
    DEBUG: flags.debug === true,
    LOG_LEVEL: flags.debug === true ? 'debug' : parsed.LOG_LEVEL,
    jwtSecret: parsed.COLLAB_JWT_SECRET ?? DEV_JWT_SECRET,
    usingDevSecret: parsed.COLLAB_JWT_SECRET === undefined,
    nodeId: parsed.NODE_ID ?? `${hostname()}-${randomUUID().slice(0, 8)}`,
  }
}

/** For entry points: the config, or one line per problem on stderr and exit code 1. */
export function loadConfigOrExit(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): RelayConfig {
  try {
    return loadConfig(argv, env)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write('collab: invalid configuration\n')
      for (const line of err.lines) process.stderr.write(`  ${line}\n`)
      process.exit(1)
    }
    throw err
  }
}
