import type { Driver } from '../lib/driver-handle.js'
import { KINDS, type Kind, relayBuilt } from '../lib/procs.js'

export interface Ctx {
  quick: boolean
  /** Measured runs after the warm-up (≥ 3 in a full run). */
  runs: number
  driver: Driver
  kinds: Kind[]
  notes: string[]
  /** Folder for CPU profiles of the relay, when --profile is given. */
  profileDir: string | undefined
  session(): number
  log(line: string): void
}

let nextSession = 1

export function makeCtx(opts: {
  quick: boolean
  runs: number
  driver: Driver
  profileDir: string | undefined
}): Ctx {
  const kinds = KINDS.filter((k) => (k !== 'ours' && k !== 'def') || relayBuilt())
  return {
    ...opts,
    kinds,
    notes: [],
    session: () => {
      nextSession = (nextSession % 60_000) + 1
      return nextSession
    },
    log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  }
}

/** The contenders in a different order on every run, so drift on the machine hits each of them alike. */
export function rotated<T>(items: readonly T[], run: number): T[] {
  const k = run % Math.max(1, items.length)
  return [...items.slice(k), ...items.slice(0, k)]
}
