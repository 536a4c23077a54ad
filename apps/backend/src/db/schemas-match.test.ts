import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type * as Lite from '../generated/prisma/client.js'
import type * as Pg from '../generated/prisma-postgres/client.js'
import { MIGRATIONS_DIR, readMigrations } from './migrate.js'
import { POSTGRES_MIGRATIONS_DIR } from './migrate-postgres.js'

// The PostgreSQL schema and migrations are a copy of the SQLite ones for hosted backends: they must not
// drift. (That the Postgres migrations build exactly the Postgres schema is checked on a real server,
// in migrate-postgres.postgres.test.ts.)

const prismaDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'prisma')

/** Each model's declaration lines (fields, attributes), comments and spacing left out. */
function models(file: string): Map<string, string[]> {
  const text = readFileSync(file, 'utf8')
  const out = new Map<string, string[]>()
  for (const m of text.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const lines = (m[2] ?? '')
      .split('\n')
      .map((l) =>
        l
          .replace(/\/\/.*$/, '')
          .trim()
          .replace(/\s+/g, ' '),
      )
      .filter((l) => l !== '')
    out.set(m[1] ?? '', lines)
  }
  return out
}

describe('the PostgreSQL schema and migrations', () => {
  it('declare the same models, fields and attributes as the SQLite ones', () => {
    const lite = models(join(prismaDir, 'schema.prisma'))
    const pg = models(join(prismaDir, 'postgresql', 'schema.prisma'))
    expect(lite.size).toBeGreaterThan(0)
    expect([...pg.keys()].sort()).toEqual([...lite.keys()].sort())
    for (const [name, lines] of lite) expect(pg.get(name), `model ${name}`).toEqual(lines)
  })

  it('have one migration for every SQLite migration, under the same name', () => {
    const names = (dir: string) => readMigrations(dir).map((m) => m.name)
    expect(names(MIGRATIONS_DIR).length).toBeGreaterThan(0)
    expect(names(POSTGRES_MIGRATIONS_DIR)).toEqual(names(MIGRATIONS_DIR))
  })

  it('generate clients whose rows have the same types (checked by typecheck)', () => {
    expectTypeOf<Rows<Pg.Prisma.TypeMap>>().toEqualTypeOf<Rows<Lite.Prisma.TypeMap>>()
  })
})

/** Every model's row type, by model name. */
type Rows<M extends { model: Record<string, { payload: { scalars: unknown } }> }> = {
  [K in keyof M['model']]: M['model'][K]['payload']['scalars']
}
