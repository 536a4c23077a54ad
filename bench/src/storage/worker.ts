/**
 * Scenario 6 worker (its own process, pinned like a server): the backend's outbox/inbox writes through
 * the backend's own Prisma client and database opener, and the same statements on raw better-sqlite3
 * with the same pragmas (WAL, synchronous=FULL, foreign keys) and the same migrated schema.
 * Prints one JSON line with the results.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as hdr from 'hdr-histogram-js'
import { backendSide } from './backend-side.js'
import { prismaSide } from './prisma-side.js'
import { rawSide } from './raw-side.js'
import type { Op } from './side.js'

export interface OpResult {
  opsPerSec: number
  p50: number
  p99: number
}

async function measure(op: Op, n: number): Promise<OpResult> {
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  })
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const s = performance.now()
    await op(i)
    h.recordValue(Math.max(1, Math.round((performance.now() - s) * 1000)))
  }
  const ms = performance.now() - t0
  return { opsPerSec: (n / ms) * 1000, p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99) }
}

async function main(): Promise<void> {
  const which = process.argv[2] === 'raw' || process.argv[2] === 'backend' ? process.argv[2] : 'prisma'
  const n = Number(process.argv[3] ?? 500)
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-db-'))
  try {
    const path = join(dir, 'bench.db')
    const side =
      which === 'raw' ? rawSide(path) : which === 'backend' ? await backendSide(path) : await prismaSide(path)
    // warm-up
    for (let i = 0; i < 50; i++) await side.applyInbound(i)
    const postComment = await measure(side.postComment, n)
    const ack = await measure(side.ack, n)
    const applyInbound = await measure(side.applyInbound, n)
    await side.close()
    process.stdout.write(`${JSON.stringify({ which, n, postComment, ack, applyInbound })}\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
