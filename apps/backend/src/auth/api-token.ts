import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { type Config, dataFilePath } from '../config.js'

/**
 * Where a generated API token lives: in DATA_DIR (by default the SQLite file's folder), named after the
 * database (`data/portfolio_user_a.db` → `data/portfolio_user_a.api-token`). The launcher reads it from here.
 */
export function apiTokenPath(config: Pick<Config, 'database' | 'dataDir'>): string {
  return dataFilePath(config, 'api-token')
}

export type ApiToken = { token: string; source: 'env' | 'file' | 'generated'; path: string | null }

/**
 * The API token: BACKEND_API_TOKEN when set; else the token file's content, created (0600, 32 random
 * bytes) at first start and reused afterwards.
 */
export function loadApiToken(config: Config): ApiToken {
  if (config.BACKEND_API_TOKEN !== undefined)
    return { token: config.BACKEND_API_TOKEN, source: 'env', path: null }
  const path = apiTokenPath(config)
  const existing = readToken(path)
  if (existing !== undefined && existing !== '') return { token: existing, source: 'file', path }
  // An empty file (a crash while it was first written, by hand): replace it.
  if (existing === '') unlinkSync(path)
  const token = randomBytes(32).toString('base64url')
  // Written whole under a temporary name, then linked into place: a second backend starting at the same
  // moment either wins or finds the complete file, never a half-written one.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 })
  try {
    linkSync(tmp, path)
    return { token, source: 'generated', path }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const raced = readToken(path)
    if (raced === undefined || raced === '') throw new Error(`${path}: the API token file is empty`)
    return { token: raced, source: 'file', path }
  } finally {
    unlinkSync(tmp)
  }
}

/** The file's token ('' when empty), or undefined when there is no file. */
function readToken(path: string): string | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  // Only its owner may read it, even if someone loosened it.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
  return text.trim()
}

/** Compares two secrets in constant time (the digests have equal length whatever the inputs). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}
