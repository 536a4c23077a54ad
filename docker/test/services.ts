import { createWriteStream } from 'node:fs'
import { join, resolve } from 'node:path'
import { freePort, spawnService } from '@pp/test-kit'

export const ROOT = join(import.meta.dirname, '..', '..')

export { freePort }

export type Service = { url: string; stop: () => Promise<void> }

/**
 * A built service (`node <entry>`) once its /health answers (the kit's `spawnService`), its output
 * written to `logFile` as it goes.
 */
export async function startService(entry: string, env: Record<string, string>, logFile: string, url: string) {
  const service = await spawnService({
    name: entry,
    args: [resolve(ROOT, entry)],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    healthUrl: `${url}/health`,
  })
  const log = createWriteStream(logFile)
  log.write(service.output())
  const write = (d: Buffer) => log.write(d)
  service.child.stdout?.on('data', write)
  service.child.stderr?.on('data', write)
  const stop = async () => {
    await service.stop('SIGTERM')
    log.end()
  }
  return { url, stop }
}
