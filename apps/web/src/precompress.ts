import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/

/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy next to every text file of the build over 1 KiB, so
 * the backend serving the bundle (WEB_DIST) sends them as they are to a client that accepts them.
 */
export function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'pp-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
        )
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue
        const body = readFileSync(file)
        if (body.length < 1024) continue
        const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
        writeFileSync(`${file}.br`, br)
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }))
      }
    },
  }
}
