import { fileURLToPath } from 'node:url'
import { freePort, until as kitUntil, spawnService, TEST_RELAY_SECRET } from '@pp/test-kit'
import { type InProcessRelay, startInProcessRelay } from './in-process.js'

/** apps/collab */
export const COLLAB_DIR = fileURLToPath(new URL('../../', import.meta.url))
export const TEST_SECRET = TEST_RELAY_SECRET

/** A relay started for a test, in-process or as a process (`stop` sends the signal to a process). */
export type Relay = InProcessRelay

export { freePort }

/** Waits until `check` gives something other than undefined/false (the kit's `until`, on `vi.waitFor`). */
export function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  limitMs = 15_000,
): Promise<T> {
  return kitUntil(what, check, { timeoutMs: limitMs, intervalMs: 25 })
}

/**
 * A relay for a test: built in the test process (buildApp, listening on a free port), with the
 * env a relay process would get (LOG_LEVEL info, the test secret).
 */
export function startRelay(env: Record<string, string> = {}, port?: number): Promise<Relay> {
  return startInProcessRelay(
    { LOG_LEVEL: 'info', NODE_ENV: 'test', COLLAB_JWT_SECRET: TEST_SECRET, ...env },
    port,
  )
}

/**
 * Starts `src/server.ts` as a real process on a free port and waits for `GET /health`: for tests of
 * the process (signals, exit codes, SIGKILL, what it prints).
 */
export async function startRelayProcess(env: Record<string, string> = {}, port?: number): Promise<Relay> {
  const chosen = port ?? (await freePort())
  const url = `http://127.0.0.1:${chosen}`
  const relay = await spawnService({
    name: 'the relay',
    args: ['--import', 'tsx', 'src/server.ts', '--port', String(chosen), '--host', '127.0.0.1'],
    cwd: COLLAB_DIR,
    env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'test', COLLAB_JWT_SECRET: TEST_SECRET, ...env },
    healthUrl: `${url}/health`,
    timeoutMs: 15_000,
  })
  return {
    port: chosen,
    url,
    wsUrl: `ws://127.0.0.1:${chosen}`,
    pid: relay.pid,
    output: relay.output,
    stop: (signal: NodeJS.Signals = 'SIGINT') => relay.stop(signal),
    exited: relay.exited,
  }
}
