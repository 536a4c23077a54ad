// Prints the SQL Prisma's schema engine writes for prisma/schema.prisma from an empty database (what
// `prisma migrate diff --from-empty --to-schema` prints). Uses @prisma/schema-engine-wasm, since the
// native engine cannot be downloaded here. Usage: node scripts/migration-sql.mjs > migration.sql
// With `--postgres postgresql://…` (a reachable server, only read): the same for
// prisma/postgresql/schema.prisma.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg'

// Node 20 cannot import .wasm modules: instantiate the engine by hand, as its glue code would.
const bgPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg')
const { instance } = await WebAssembly.instantiate(
  readFileSync(join(bgPath, '..', 'schema_engine_bg.wasm')),
  {
    './schema_engine_bg.js': bg,
  },
)
bg.__wbg_set_wasm(instance.exports)
instance.exports.__wbindgen_start()

const flag = process.argv.indexOf('--postgres')
const postgresUrl = flag === -1 ? undefined : process.argv[flag + 1]
if (flag !== -1 && !postgresUrl?.startsWith('postgres')) {
  process.stderr.write('usage: node scripts/migration-sql.mjs [--postgres postgresql://user@host:port/db]\n')
  process.exit(2)
}
const schemaPath = postgresUrl ? 'prisma/postgresql/schema.prisma' : 'prisma/schema.prisma'
const content = readFileSync(schemaPath, 'utf8')
const adapter = bindMigrationAwareSqlAdapterFactory(
  postgresUrl
    ? new PrismaPg({ connectionString: postgresUrl })
    : new PrismaBetterSqlite3({ url: ':memory:' }),
)
const engine = await bg.SchemaEngine.new({ datamodels: [[schemaPath, content]] }, () => {}, adapter)
const r = await engine.diff({
  from: { tag: 'empty' },
  to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content }] },
  script: true,
  exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
})
process.stdout.write(r.stdout ?? '')
