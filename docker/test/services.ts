import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join, resolve } from 'node:path'
import { freePort, until } from '@pp/test-kit'

export const ROOT = join(import.meta.dirname, '..', '..')

export { freePort }

export type Service = { url: string; stop: () => Promise<void> }

/** A built service (`node <entry>`) with its log in `logFile`, once its /health answers. */
export async function startService(entry: string, env: Record<string, string>, logFile: string, url: string) {
  const child: ChildProcess = spawn(process.execPath, [resolve(ROOT, entry)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const log = createWriteStream(logFile)
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  const answers = until(`${entry} to answer ${url}/health (see ${logFile})`, () =>
    fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    ),
  )
  const died = exited.then(() => {
    throw new Error(`${entry} exited (see ${logFile})`)
  })
  try {
    await Promise.race([answers, died])
  } catch (err) {
    await stop()
    throw err
  }
  void died.catch(() => {})
  return { url, stop }
}
