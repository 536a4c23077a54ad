/** Suite knobs, all from env so the CI run stays short and the full run stays one variable away. */
const num = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: must be a non-negative number`)
  return n
}

/** CHAOS_LONG=1: the long soak (10 minutes) and the full counts everywhere. */
export const LONG = ['1', 'true', 'yes'].includes((process.env.CHAOS_LONG ?? '').toLowerCase())

export const knobs = {
  handshakes: num('CHAOS_HANDSHAKES', 500),
  fuzzFrames: num('CHAOS_FUZZ_FRAMES', 10_000),
  idleConnections: num('CHAOS_IDLE_CONNECTIONS', 5_000),
  stormConnections: num('CHAOS_STORM_CONNECTIONS', 2_000),
  crashEvents: num('CHAOS_CRASH_EVENTS', 1_000),
  relayKills: num('CHAOS_RELAY_KILLS', 20),
  soakSeconds: num('CHAOS_SOAK_SECONDS', LONG ? 600 : 60),
  soakBackends: num('CHAOS_SOAK_BACKENDS', 50),
  /** Seed of every fast-check run and random choice; printed so a failure can be replayed. */
  seed: num('CHAOS_SEED', 1),
}
