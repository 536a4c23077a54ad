import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (chaos/src/lib → ../../..). */
export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
export const RELAY_SERVER = resolve(ROOT, 'apps/collab/dist/server.js')
export const BACKEND_SERVER = resolve(ROOT, 'apps/backend/dist/server.js')
/** Run artifacts: counters, pids, process logs, temporary databases. Ignored by git. */
export const REPORTS = resolve(ROOT, 'chaos/.reports')
export const COUNTERS_FILE = resolve(REPORTS, 'counters.jsonl')
export const PIDS_FILE = resolve(REPORTS, 'pids.txt')
export const LOGS_DIR = resolve(REPORTS, 'logs')
export const DATA_DIR = resolve(REPORTS, 'data')

export function ensureDirs(): void {
  for (const d of [REPORTS, LOGS_DIR, DATA_DIR]) mkdirSync(d, { recursive: true })
}
