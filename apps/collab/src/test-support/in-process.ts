import { freePort } from '@pp/test-kit'
import pino from 'pino'
import { buildApp, DRAIN_GRACE_MS } from '../app.js'
import { loadConfig } from '../config.js'

/** A relay built in the test process: the handle a relay process gives, without the process. */
export type InProcessRelay = {
  port: number
  url: string
  wsUrl: string
  /** The test process's own pid: there is no relay process to signal. */
  pid: number
  /** Its log lines (pino JSON, as a relay process writes them on stdout). */
  output: () => string
  /** Stops it as server.ts does on SIGINT/SIGTERM (drain, then close); resolves with 0. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
  exited: Promise<number | null>
}

/**
 * `buildApp` from the env a relay process would be given (`args` as its command-line flags), listening
 * on 127.0.0.1. For tests of the relay's behaviour; tests of the process itself (signals, exit codes, a
 * SIGKILL, the startup banner) start a real one.
 */
export async function startInProcessRelay(
  env: Record<string, string>,
  port?: number,
  args: readonly string[] = [],
): Promise<InProcessRelay> {
  const chosen = port ?? (await freePort())
  const config = loadConfig(['--port', String(chosen), '--host', '127.0.0.1', ...args], {
    ...process.env,
    ...env,
  })
  let out = ''
  const logger = pino(
    { level: config.LOG_LEVEL, base: { node: config.nodeId } },
    {
      write(line: string) {
        out += line
      },
    },
  )
  const app = await buildApp(config, { logger })
  await app.listen({ port: config.PORT, host: config.HOST })
  let done: ((code: number | null) => void) | undefined
  const exited = new Promise<number | null>((resolve) => {
    done = resolve
  })
  let stopping: Promise<number | null> | undefined
  const stop = () => {
    stopping ??= Promise.all([app.backends.drain(DRAIN_GRACE_MS), app.close()]).then(() => {
      done?.(0)
      return 0
    })
    return stopping
  }
  const url = `http://127.0.0.1:${chosen}`
  return {
    port: chosen,
    url,
    wsUrl: `ws://127.0.0.1:${chosen}`,
    pid: process.pid,
    output: () => out,
    stop,
    exited,
  }
}
