import type { PrismaClient } from '../generated/prisma/client.js'

/** The database client every module holds: the SQLite schema's client; a Postgres one is cast to it. */
export type Db = PrismaClient
