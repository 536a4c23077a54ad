import { createHash } from 'node:crypto'
import { dirname, resolve } from 'node:path'
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Postgres run's server (postgres-server.ts), `postgresql://pp@127.0.0.1:PORT/pp`. */
    postgresUrl: string | undefined
  }
}

/** The server the Postgres run started, or undefined in the SQLite run. */
export function testPostgresUrl(): string | undefined {
  return inject('postgresUrl')
}

/** The run's database kind, for the few assertions that name it (a file on disk, a schema). */
export const onPostgres = (): boolean => testPostgresUrl() !== undefined

/** The schema a test backend whose SQLite file would be `dbPath` gets on the Postgres run's server. */
export function schemaFor(dbPath: string): string {
  return `t_${createHash('sha256').update(resolve(dbPath)).digest('hex').slice(0, 24)}`
}

/**
 * The database env of a test backend whose SQLite file would be `dbPath`: that file, or on the Postgres
 * run a schema of its own on the run's server, named after the path (so a restart finds its data), with
 * DATA_DIR the file's folder (where the API token file goes).
 */
export function testDatabaseEnv(dbPath: string): Record<string, string> {
  const server = testPostgresUrl()
  if (server === undefined) return { DATABASE_URL: `file:${dbPath}` }
  return { DATABASE_URL: `${server}?schema=${schemaFor(dbPath)}`, DATA_DIR: dirname(resolve(dbPath)) }
}
