/** The orchestrator's side of the load driver: fork it pinned to core 1, then call it like a function. */
import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import type { DriverCommand, DriverReply } from '../driver/protocol.js'
import { BENCH_DIR, execPrefix } from './procs.js'

export class Driver {
  private queue: ((r: DriverReply) => void)[] = []

  private constructor(private readonly proc: ChildProcess) {
    proc.on('message', (m: DriverReply) => this.queue.shift()?.(m))
  }

  static start(): Driver {
    // bash raises the descriptor limit (10,000 connections) and pins the driver to core 1, then execs node,
    // which keeps the IPC channel fork() set up.
    const pinCmd = `${execPrefix(1)} "$0" "$@"`
    const proc = fork(join(BENCH_DIR, 'src/driver/main.ts'), [], {
      cwd: BENCH_DIR,
      execPath: '/bin/bash',
      execArgv: [
        '-c',
        `ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); ${pinCmd}`,
        process.execPath,
        '--import',
        'tsx',
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    return new Driver(proc)
  }

  get pid(): number {
    return this.proc.pid ?? 0
  }

  call<T>(command: DriverCommand): Promise<T> {
    return new Promise((resolve, reject) => {
      this.queue.push((r) => (r.ok ? resolve(r.result as T) : reject(new Error(r.error))))
      this.proc.send(command)
    })
  }

  stop(): Promise<void> {
    if (this.proc.exitCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve())
      this.proc.kill('SIGTERM')
    })
  }
}
