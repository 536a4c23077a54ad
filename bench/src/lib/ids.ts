/** Deterministic ids and names for bench users, so every process agrees without talking. */

/** The HS256 secret every contender verifies backend tokens with during a run. */
export const BENCH_SECRET = 'portfolio-planner-benchmark-secret-0123456789'

export function userId(index: number): string {
  return `b0000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`
}

export function userName(index: number): string {
  return `Bench ${index}`
}

/** A frame id (uuid-shaped) that carries the session and the sequence number. */
export function frameId(session: number, seq: number): string {
  return `01900000-${session.toString(16).padStart(4, '0')}-7000-8000-${seq.toString(16).padStart(12, '0')}`
}

export const IDEA_ID = '01900000-0000-7000-8000-0000000000aa'
