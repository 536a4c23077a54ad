import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils'
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg'

let loaded = false

/** Node's WebAssembly global, which @types/node declares only as a namespace of types. */
type Wasm = {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: Wasm }

/**
 * Prisma's WebAssembly schema engine over `adapter` (Node 20 cannot import .wasm modules: it is
 * instantiated by hand, as its glue code would). For `diff` between a database and a schema.
 */
export async function schemaEngine(adapter: SqlMigrationAwareDriverAdapterFactory, schemaPath: string) {
  if (!loaded) {
    const bgPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg')
    const { instance } = await wasm.instantiate(readFileSync(join(bgPath, '..', 'schema_engine_bg.wasm')), {
      './schema_engine_bg.js': bg,
    })
    bg.__wbg_set_wasm(instance.exports as never)
    ;(instance.exports.__wbindgen_start as () => void)()
    loaded = true
  }
  const content = readFileSync(schemaPath, 'utf8')
  return bg.SchemaEngine.new(
    { datamodels: [[schemaPath, content]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(adapter),
  )
}
