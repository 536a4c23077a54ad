import { type ChildProcess, spawn } from 'node:child_process'
import { until } from './wait.js'

export type Service = {
  child: ChildProcess
  pid: number
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>
  /** True once it has exited. */
  gone: () => boolean
  /** Sends `signal` (SIGINT by default), SIGKILL after `killAfterMs`, and waits for the exit. */
  stop: (signal?: NodeJS.Signals, killAfterMs?: number) => Promise<number | null>
}

export type SpawnOptions = {
  /** For messages: "the relay", "backend A". */
  name: string
  command?: string
  args: string[]
  cwd?: string
  env: NodeJS.ProcessEnv
  /** Waited for until it answers 200, unless given false: the caller waits for something else. */
  healthUrl: string | false
  /** Checks health another way (e.g. https with a test CA); default a `fetch` of `healthUrl`. */
  healthy?: (url: string) => Promise<boolean>
  timeoutMs?: number
}

const fetchOk = async (url: string): Promise<boolean> => {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok
  } catch {
    return false
  }
}

/**
 * Starts a process (`node` by default) and waits until `healthUrl` answers; if it exits first, or is not
 * healthy in time, it is killed and the error carries its output.
 */
export async function spawnService(opts: SpawnOptions): Promise<Service> {
  const child = spawn(opts.command ?? process.execPath, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const collect = (d: Buffer) => {
    out += d.toString()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code
      resolve(code)
    }),
  )
  const stop = async (signal: NodeJS.Signals = 'SIGINT', killAfterMs = 5000) => {
    if (exitCode !== undefined) return exitCode
    child.kill(signal)
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    const code = await exited
    clearTimeout(killer)
    return code
  }
  const service: Service = {
    child,
    pid: child.pid ?? 0,
    output: () => out,
    exited,
    gone: () => exitCode !== undefined,
    stop,
  }
  const { healthUrl } = opts
  if (healthUrl === false) return service
  const healthy = opts.healthy ?? fetchOk
  let ready = false
  try {
    await Promise.race([
      until(`${opts.name} to answer ${healthUrl}`, () => healthy(healthUrl), {
        timeoutMs: opts.timeoutMs ?? 30_000,
      }).then(() => {
        ready = true
      }),
      exited.then((code) => {
        if (!ready) throw new Error(`${opts.name} exited with ${code}:\n${out}`)
      }),
    ])
  } catch (err) {
    await stop('SIGKILL')
    throw err instanceof Error && !err.message.includes(out) && out.length > 0
      ? new Error(`${err.message}\n${out}`)
      : err
  }
  return service
}
