import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { freePort, until } from './relay.js'

export const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server'

export type RedisServer = {
  port: number
  url: string
  stop: () => Promise<void>
  /** Starts it again on the same port (empty: nothing is saved). */
  restart: () => Promise<void>
}

const answersPing = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write('PING\r\n'))
    s.on('data', (d) => {
      resolve(d.toString().startsWith('+PONG'))
      s.destroy()
    })
    s.on('error', () => resolve(false))
  })

/** A real redis-server on a free port, no persistence; stopped by pid. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const launch = async () => {
    child = spawn(
      REDIS_BIN,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    )
    await until('redis-server to answer PING', () => answersPing(port))
  }
  const stop = async () => {
    const c = child
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
    const exited = new Promise<void>((r) => c.once('exit', () => r()))
    c.kill('SIGKILL')
    await exited
  }
  await launch()
  return { port, url: `redis://127.0.0.1:${port}`, stop, restart: launch }
}
