import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import Database from 'better-sqlite3'
import { PrismaClient } from '../generated/prisma/client.js'
import { applyMigrations, type MigrationResult } from './migrate.js'

export type Db = PrismaClient
export type { Prisma } from '../generated/prisma/client.js'

const BUSY_TIMEOUT_MS = 5000

/**
 * Opens a backend database: applies pending migrations on a short-lived connection, then opens Prisma
 * over the better-sqlite3 adapter and sets WAL + synchronous=FULL on the connection it uses, so nothing
 * is acknowledged before it is durable.
 */
export async function openDatabase(path: string): Promise<{ db: Db; migrations: MigrationResult }> {
  const raw = new Database(path)
  let migrations: MigrationResult
  try {
    raw.pragma('journal_mode = WAL')
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    migrations = applyMigrations(raw)
  } finally {
    raw.close()
  }
  const db = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${path}` }) })
  await db.$queryRawUnsafe('PRAGMA journal_mode = WAL')
  await db.$executeRawUnsafe('PRAGMA synchronous = FULL')
  await db.$executeRawUnsafe('PRAGMA foreign_keys = ON')
  await db.$executeRawUnsafe(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
  return { db, migrations }
}
