import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { unlinkSync } from 'node:fs'
import { type Config, dataFilePath } from '../config.js'
import { createPrivateFileOnce, readPrivateFile } from '../private-file.js'

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
  const existing = readPrivateFile(path)?.trim()
  if (existing !== undefined && existing !== '') return { token: existing, source: 'file', path }
  // An empty file (a crash while it was first written, by hand): replace it.
  if (existing === '') unlinkSync(path)
  const file = createPrivateFileOnce(path, `${randomBytes(32).toString('base64url')}\n`)
  const token = file.text.trim()
  if (token === '') throw new Error(`${path}: the API token file is empty`)
  return { token, source: file.created ? 'generated' : 'file', path }
}

/** Compares two secrets in constant time (the digests have equal length whatever the inputs). */
export function sameSecret(given: string, expected: string): boolean {
  return secretCheck(expected)(given)
}

/** A constant-time check against one secret, its digest computed once. */
export function secretCheck(expected: string): (given: string) => boolean {
  const want = createHash('sha256').update(expected).digest()
  return (given) => timingSafeEqual(createHash('sha256').update(given).digest(), want)
}
