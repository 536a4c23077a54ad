import { describe, expect, it } from 'vitest'
import { freePort } from './ports.js'
import { spawnService } from './spawn.js'

const server = (port: number) =>
  `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('up'))`

describe('spawnService', () => {
  it('starts a process, waits for its health URL, and stops it', async () => {
    const port = await freePort()
    const service = await spawnService({
      name: 'a server',
      args: ['-e', server(port)],
      env: process.env,
      healthUrl: `http://127.0.0.1:${port}/health`,
    })
    expect(service.output()).toContain('up')
    expect(service.gone()).toBe(false)
    await service.stop('SIGTERM')
    expect(service.gone()).toBe(true)
  })

  it('fails with the output of a process that exits before it is healthy', async () => {
    await expect(
      spawnService({
        name: 'a broken server',
        args: ['-e', "console.error('bad config'); process.exit(3)"],
        env: process.env,
        healthUrl: 'http://127.0.0.1:9/health',
      }),
    ).rejects.toThrow(/a broken server exited with 3:\s+bad config/)
  })
})
