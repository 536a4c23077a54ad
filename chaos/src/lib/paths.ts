import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)

/** The repository root (chaos/src/lib → ../../..). */
export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
/**
 * The built servers, as the packages export them (`@pp/collab/server`, `@pp/backend/server`);
 * CHAOS_RELAY_SERVER / CHAOS_BACKEND_SERVER point at another build (the protection checks use mutants).
 */
export const RELAY_SERVER = process.env.CHAOS_RELAY_SERVER
  ? resolve(ROOT, process.env.CHAOS_RELAY_SERVER)
  : require.resolve('@pp/collab/server')
export const BACKEND_SERVER = process.env.CHAOS_BACKEND_SERVER
  ? resolve(ROOT, process.env.CHAOS_BACKEND_SERVER)
  : require.resolve('@pp/backend/server')
/** Run artifacts: counters, pids, process logs, temporary databases. Ignored by git. CHAOS_REPORTS_DIR moves them. */
export const REPORTS = resolve(ROOT, process.env.CHAOS_REPORTS_DIR ?? 'chaos/.reports')
export const COUNTERS_FILE = resolve(REPORTS, 'counters.jsonl')
export const PIDS_FILE = resolve(REPORTS, 'pids.txt')
export const LOGS_DIR = resolve(REPORTS, 'logs')
export const DATA_DIR = resolve(REPORTS, 'data')

export function ensureDirs(): void {
  for (const d of [REPORTS, LOGS_DIR, DATA_DIR]) mkdirSync(d, { recursive: true })
}
