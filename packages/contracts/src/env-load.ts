import type { z } from 'zod'

/**
 * From the environment to a typed config: the `.env` loader, validation with one line per bad variable,
 * secrets and TLS files read from disk, and the process facts the servers share. The schemas: env.ts.
 */

/**
 * The one `.env` loader of every app: reads `file` (in the working directory) into process.env if it
 * exists; a variable already set wins over the file.
 */
export function loadDotEnv(file = '.env'): void {
  try {
    process.loadEnvFile(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/**
 * What the servers' graceful shutdown (close-with-grace) does not handle: it runs on SIGINT and SIGTERM
 * only; other signals, crashes and an emptied event loop keep Node's defaults.
 */
export const NOT_SHUTDOWN_EVENTS = [
  'SIGHUP',
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGBUS',
  'SIGFPE',
  'SIGSEGV',
  'SIGUSR2',
  'uncaughtException',
  'unhandledRejection',
  'beforeExit',
] as const satisfies readonly string[]

/** A configuration problem: one line per bad variable or flag. Every app's config throws it. */
export class EnvError extends Error {
  constructor(readonly lines: string[]) {
    super(`invalid configuration:\n${lines.join('\n')}`)
    this.name = 'EnvError'
  }
}

/**
 * TLS_CERT_FILE and TLS_KEY_FILE: both or neither. Returns the files' contents (or undefined), or the
 * problems as EnvError lines; `read` reads a file (node:fs readFileSync, kept out of this module).
 */
export function tlsFilesOf(
  env: { TLS_CERT_FILE?: string | undefined; TLS_KEY_FILE?: string | undefined },
  read: (file: string) => string,
): { tls: { cert: string; key: string } | undefined; lines: string[] } {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = env
  if (certFile === undefined && keyFile === undefined) return { tls: undefined, lines: [] }
  if (certFile === undefined)
    return {
      tls: undefined,
      lines: ['TLS_CERT_FILE: is required when TLS_KEY_FILE is set (set both or neither)'],
    }
  if (keyFile === undefined)
    return {
      tls: undefined,
      lines: ['TLS_KEY_FILE: is required when TLS_CERT_FILE is set (set both or neither)'],
    }
  const lines: string[] = []
  const cert = readPem('TLS_CERT_FILE', certFile, read, lines)
  const key = readPem('TLS_KEY_FILE', keyFile, read, lines)
  if (cert === undefined || key === undefined) return { tls: undefined, lines }
  return { tls: { cert, key }, lines }
}

/**
 * A token given as `NAME` or as a file `NAME_FILE` (one or the other): its trimmed text, or undefined.
 * Problems (both set, unreadable, shorter than 16 characters) go to `lines`.
 */
export function tokenOf(
  name: string,
  value: string | undefined,
  file: string | undefined,
  read: (file: string) => string,
  lines: string[],
): string | undefined {
  if (file === undefined) return value
  if (value !== undefined) {
    lines.push(`${name}_FILE: set ${name} or ${name}_FILE, not both`)
    return undefined
  }
  let text: string
  try {
    text = read(file).trim()
  } catch (err) {
    lines.push(`${name}_FILE: cannot read ${file} (${(err as { code?: string }).code ?? 'error'})`)
    return undefined
  }
  if (text.length < 16) {
    lines.push(`${name}_FILE: ${file} must hold at least 16 characters`)
    return undefined
  }
  return text
}

/** A PEM file's text, or undefined with one line in `lines` (unreadable, empty, not PEM). */
export function readPem(
  name: string,
  file: string,
  read: (file: string) => string,
  lines: string[],
): string | undefined {
  let text: string
  try {
    text = read(file)
  } catch (err) {
    lines.push(`${name}: cannot read ${file} (${(err as { code?: string }).code ?? 'error'})`)
    return undefined
  }
  if (!text.includes('-----BEGIN')) {
    lines.push(`${name}: ${file} is not a PEM file`)
    return undefined
  }
  return text
}

/** Validates env once; on failure throws an EnvError with one line per bad variable. */
export function loadEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> {
  const cleaned: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(source)) cleaned[k] = v === '' ? undefined : v
  const result = schema.safeParse(cleaned)
  if (result.success) return result.data
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.length > 0 ? String(issue.path[0]) : '(env)'
    const message =
      issue.code === 'invalid_type' && cleaned[name] === undefined ? 'is required' : issue.message
    return `${name}: ${message}`
  })
  throw new EnvError([...new Set(lines)])
}

/** A bind address or peer address that only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false
  const a = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
  return (
    a === 'localhost' ||
    a === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(a) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(a)
  )
}
