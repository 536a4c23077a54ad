/**
 * Scenario 6, backend storage: the hot path's writes as the backend performs them, the same statements
 * on raw better-sqlite3 (the floor), and the same transactions through Prisma alone; each in a fresh
 * process and database, rotated, several runs.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BACKEND_ENTRY, BENCH_DIR, spawnPinned } from '../lib/procs.js'
import { type Summary, summarize } from '../lib/stats.js'
import type { OpResult } from '../storage/worker.js'
import { type Ctx, rotated } from './context.js'

interface Side {
  opsPerSec: Summary
  p50: Summary
  p99: Summary
}
export interface StorageResult {
  header: string[]
  ops: { name: string; prisma: Side; backend: Side; raw: Side }[]
}

type WorkerOut = Record<'postComment' | 'ack' | 'applyInbound', OpResult>

const OPS: [keyof WorkerOut, string][] = [
  ['postComment', 'post a comment on my idea: comment + outbox row (sharee), one transaction'],
  ['ack', 'relay ack: mark the outbox row acked'],
  ['applyInbound', 'receive comment_added: inbox check, comment, notification, inbox row, one transaction'],
]

export function storageAvailable(): boolean {
  return existsSync(BACKEND_ENTRY)
}

type Which = 'prisma' | 'backend' | 'raw'

function runWorker(which: Which, n: number): Promise<WorkerOut> {
  return new Promise((resolve, reject) => {
    const p = spawnPinned(
      [process.execPath, '--import', 'tsx', join(BENCH_DIR, 'src/storage/worker.ts'), which, String(n)],
      {
        env: {},
        cwd: BENCH_DIR,
        core: 0,
      },
    )
    let out = ''
    let err = ''
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
    })
    p.stderr?.on('data', (d: Buffer) => {
      err += d.toString()
    })
    p.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || line === '')
        reject(new Error(`storage worker ${which} exited ${code}: ${err.slice(-1500)}`))
      else resolve(JSON.parse(line) as WorkerOut)
    })
  })
}

export async function storage(ctx: Ctx): Promise<StorageResult> {
  const n = ctx.quick ? 200 : 500
  const acc: Record<Which, WorkerOut[]> = { prisma: [], backend: [], raw: [] }
  for (let run = 0; run < ctx.runs; run++) {
    for (const which of rotated(['prisma', 'backend', 'raw'] as const, run)) {
      const r = await runWorker(which, n)
      acc[which].push(r)
      ctx.log(
        `storage ${which}: ${OPS.map(([k]) => `${k} ${Math.round(r[k].opsPerSec)}/s p50 ${r[k].p50}µs`).join(', ')}`,
      )
    }
  }
  const side = (rs: WorkerOut[], k: keyof WorkerOut): Side => ({
    opsPerSec: summarize(rs.map((r) => r[k].opsPerSec)),
    p50: summarize(rs.map((r) => r[k].p50)),
    p99: summarize(rs.map((r) => r[k].p99)),
  })
  return {
    header: [
      `${n} operations per run and side, awaited one at a time, fresh database per run; WAL, synchronous=FULL, foreign_keys=ON (the backend's settings), so every commit waits for an fsync`,
      "backend: the backend's own code path (`postComment`, the dispatcher's ack mark, `applyInbound`) through its group committer on its prepared statements, over its own `openDatabase`; the comment signed by its author",
      'raw: the same statements as prepared better-sqlite3 statements in `db.transaction`, the comment signed too (the floor)',
      'Prisma only: the same transactions written with Prisma 7 queries (the backend before its hot path moved to prepared statements), for comparison',
    ],
    ops: OPS.map(([k, name]) => ({
      name,
      prisma: side(acc.prisma, k),
      backend: side(acc.backend, k),
      raw: side(acc.raw, k),
    })),
  }
}
