import { resolve } from 'node:path'
import { EnvError } from '@pp/contracts'
import { describe, expect, it } from 'vitest'
import { apiTokenPath } from '../auth/api-token.js'
import { configFrom } from '../config.js'
import { keyFilePath } from '../crypto/own-keys.js'

const user = { BACKEND_USER_ID: '00000000-0000-0000-0000-000000000001', BACKEND_DISPLAY_NAME: 'User A' }
const pg = {
  ...user,
  DATABASE_URL: 'postgresql://pp:secret@db.internal:5432/portfolio',
  DATA_DIR: '/var/lib/pp',
}

/** The EnvError lines configFrom throws for `env`. */
function refused(env: Record<string, string>): string[] {
  try {
    configFrom(env)
  } catch (err) {
    if (err instanceof EnvError) return err.lines
    throw err
  }
  throw new Error('accepted')
}

describe('DATABASE_URL=postgresql://… (hosted backends)', () => {
  it('opens the server with a pool of DATABASE_POOL_SIZE (default 10), in ?schema= or public', () => {
    expect(configFrom(pg).database).toEqual({
      kind: 'postgres',
      url: 'postgresql://pp:secret@db.internal:5432/portfolio',
      schema: 'public',
      poolSize: 10,
      name: 'portfolio',
    })
    const c = configFrom({
      ...pg,
      DATABASE_URL: 'postgres://pp@db.internal/portfolio?schema=user_a&sslmode=verify-full',
      DATABASE_POOL_SIZE: '4',
    })
    expect(c.database).toEqual({
      kind: 'postgres',
      url: 'postgres://pp@db.internal/portfolio?sslmode=verify-full',
      schema: 'user_a',
      poolSize: 4,
      name: 'portfolio.user_a',
    })
  })

  it('keeps its key file and generated API token in DATA_DIR, named after the database', () => {
    expect(keyFilePath(configFrom(pg))).toBe('/var/lib/pp/portfolio.keys')
    expect(apiTokenPath(configFrom(pg))).toBe('/var/lib/pp/portfolio.api-token')
    const sqlite = configFrom({ ...user, DATABASE_URL: 'file:./data/a.db' })
    expect(apiTokenPath(sqlite)).toBe(resolve('data', 'a.api-token'))
    expect(apiTokenPath(configFrom({ ...user, DATABASE_URL: 'file:./data/a.db', DATA_DIR: '/srv/a' }))).toBe(
      '/srv/a/a.api-token',
    )
  })

  it('refuses a pool size that is not a whole number from 1 to 100, with one line', () => {
    for (const DATABASE_POOL_SIZE of ['0', '-1', 'ten', '2.5', '101']) {
      expect(refused({ ...pg, DATABASE_POOL_SIZE })).toEqual([
        'DATABASE_POOL_SIZE: must be a whole number from 1 to 100',
      ])
    }
  })

  it('refuses a pool size for a SQLite file, which has one connection', () => {
    expect(refused({ ...user, DATABASE_URL: 'file:./a.db', DATABASE_POOL_SIZE: '5' })).toEqual([
      'DATABASE_POOL_SIZE: applies to a postgresql:// DATABASE_URL only (a SQLite file has one connection); remove it',
    ])
  })

  it('refuses ENCRYPTION_KEY, which encrypts SQLite files only, and wants DATA_DIR', () => {
    expect(refused({ ...pg, DATA_DIR: '', ENCRYPTION_KEY: 'a-key-for-the-sqlite-file' })).toEqual([
      'ENCRYPTION_KEY: encrypts a SQLite file only; a postgresql:// database is protected by its server (disk encryption, sslmode=verify-full): remove ENCRYPTION_KEY',
      'DATA_DIR: is required with a postgresql:// DATABASE_URL (the folder for the backend’s key and API token files)',
    ])
  })

  it('refuses a postgresql:// URL without a host or a database', () => {
    for (const DATABASE_URL of [
      'postgresql://',
      'postgresql://db.internal',
      'postgresql://db.internal/',
      'mysql://x/y',
    ]) {
      expect(refused({ ...pg, DATABASE_URL })).toEqual([
        'DATABASE_URL: must be a SQLite file URL (file:./portfolio_user_a.db) or a postgresql://user@host:5432/db URL',
      ])
    }
  })
})
