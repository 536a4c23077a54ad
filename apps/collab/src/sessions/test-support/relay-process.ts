import { fileURLToPath } from 'node:url'
import { freePort, spawnService, until } from '@pp/test-kit'
import { startInProcessRelay } from '../../test-support/in-process.js'

/** apps/collab */
export const COLLAB_DIR = fileURLToPath(new URL('../../../', import.meta.url))

export type RelayProcess = {
  port: number
  url: string
  wsUrl: string
  output: () => string
  stop: () => Promise<void>
}

export { freePort }

/** Waits until `check` gives a value other than undefined (the kit's `until`, on `vi.waitFor`). */
export function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  limitMs = 20_000,
  everyMs = 50,
): Promise<T> {
  return until(what, check, { timeoutMs: limitMs, intervalMs: everyMs })
}

/**
 * A relay for a test: built in the test process (buildApp on a free port), with the env (and flags) a
 * relay process would get. `stop` closes it as SIGINT would.
 */
export async function startRelay(
  env: Record<string, string> = {},
  port?: number,
  args: string[] = [],
): Promise<RelayProcess> {
  const relay = await startInProcessRelay({ LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env }, port, args)
  const stop = async () => {
    await relay.stop()
  }
  return { port: relay.port, url: relay.url, wsUrl: relay.wsUrl, output: relay.output, stop }
}

/**
 * Starts the relay as a real process (`node --import tsx src/server.ts --port P`) and waits until
 * `GET /health` answers. `stop` sends SIGINT (Ctrl+C) and waits for the exit.
 */
export async function startRelayProcess(
  env: Record<string, string> = {},
  port?: number,
  args: string[] = [],
): Promise<RelayProcess> {
  const chosen = port ?? (await freePort())
  const url = `http://127.0.0.1:${chosen}`
  const relay = await spawnService({
    name: 'the relay',
    args: ['--import', 'tsx', 'src/server.ts', '--port', String(chosen), '--host', '127.0.0.1', ...args],
    cwd: COLLAB_DIR,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    healthUrl: `${url}/health`,
    timeoutMs: 20_000,
  })
  const stop = async () => {
    await relay.stop('SIGINT')
  }
  return { port: chosen, url, wsUrl: `ws://127.0.0.1:${chosen}`, output: relay.output, stop }
}
