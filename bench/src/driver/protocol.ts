/** Messages between the orchestrator (run.ts) and the load driver process, over the fork IPC channel. */
import type { Kind } from '../lib/procs.js'

export interface Pair {
  sender: number
  recipients: number[]
}

export type DriverCommand =
  | {
      cmd: 'connect'
      group: string
      kind: Kind
      url: string
      from: number
      count: number
      concurrency: number
    }
  | { cmd: 'close'; group: string }
  | {
      cmd: 'load'
      group: string
      session: number
      pairs: Pair[]
      /** Events per second (each goes to every recipient of its pair). */
      rate: number
      durationMs: number
      drainMs: number
    }
  | {
      /** Round trips of `bytes`-long messages through a TCP echo server, one at a time, at `rate`/s. */
      cmd: 'echo'
      port: number
      rate: number
      durationMs: number
      bytes: number
    }
  | { cmd: 'storm-arm'; group: string; observer: number }
  | { cmd: 'storm-go' }
  | { cmd: 'storm-wait'; timeoutMs: number }
  | {
      cmd: 'e2e'
      session: number
      apiA: string
      /** A's API token (REST comments) and B's (its browser channel). */
      tokenA: string
      ideaId: string
      urlB: string
      tokenB: string
      rate: number
      durationMs: number
      drainMs: number
    }

export interface Latency {
  p50: number
  p90: number
  p95: number
  p99: number
  p999: number
  max: number
  mean: number
}

export interface LoadResult extends Latency {
  sent: number
  expected: number
  delivered: number
  lost: number
  dup: number
  errors: number
  closes: number
  /** Events per second actually sent. */
  achievedRate: number
  driverCpuPct: number
}

export interface ConnectResult {
  ok: number
  failed: number
  ms: number
  perSec: number
  firstError?: string
}

export interface StormResult {
  /** null when not every backend was back within the wait. */
  allBackMs: number | null
  presenceMs: number | null
  back: number
  of: number
  attempts: number
}

export interface E2eResult extends LoadResult {
  restP50: number
  restP99: number
  restErrors: number
}

export type DriverReply = { ok: true; result: unknown } | { ok: false; error: string }
