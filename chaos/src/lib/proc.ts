import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync, createWriteStream, readdirSync, type WriteStream } from 'node:fs'
import { resolve } from 'node:path'
import { ensureDirs, LOGS_DIR, PIDS_FILE, ROOT } from './paths.js'

export type Exit = { code: number | null; signal: NodeJS.Signals | null }

const live = new Set<Proc>()

/**
 * A child process the suite started: its output goes to .reports/logs/<name>.log and a ring of recent
 * lines; every pid is written to .reports/pids.txt so the global teardown can stop stragglers.
 */
export class Proc {
  readonly child: ChildProcess
  readonly pid: number
  readonly exited: Promise<Exit>
  exit: Exit | undefined
  /** Signals this suite sent on purpose; any other exit is a crash. */
  private readonly sent: NodeJS.Signals[] = []
  private readonly recent: string[] = []
  private readonly log: WriteStream

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string>,
  ) {
    ensureDirs()
    this.log = createWriteStream(resolve(LOGS_DIR, `${name}.log`), { flags: 'a' })
    this.child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    if (this.child.pid === undefined) throw new Error(`${name}: spawn failed`)
    this.pid = this.child.pid
    appendFileSync(PIDS_FILE, `${this.pid} ${name}\n`)
    live.add(this)
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      this.log.write(text)
      for (const line of text.split('\n')) {
        if (line.length === 0) continue
        this.recent.push(line)
        if (this.recent.length > 200) this.recent.shift()
      }
    }
    this.child.stdout?.on('data', onData)
    this.child.stderr?.on('data', onData)
    this.exited = new Promise((res) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal }
        live.delete(this)
        this.log.end()
        res(this.exit)
      })
    })
  }

  get alive(): boolean {
    return this.exit === undefined
  }

  /** True when the process ended without being told to (a crash, from the suite's point of view). */
  get crashed(): boolean {
    if (this.exit === undefined) return false
    if (this.exit.signal !== null) return !this.sent.includes(this.exit.signal)
    return this.exit.code !== 0 && this.sent.length === 0
  }

  tail(n = 40): string {
    return this.recent.slice(-n).join('\n')
  }

  lines(): readonly string[] {
    return this.recent
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.alive) return
    this.sent.push(sig)
    this.child.kill(sig)
  }

  async kill(): Promise<Exit> {
    this.signal('SIGKILL')
    return this.exited
  }

  /** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
  async stop(graceMs = 3000): Promise<Exit> {
    if (!this.alive) return this.exit as Exit
    this.signal('SIGTERM')
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs)
    const e = await this.exited
    clearTimeout(timer)
    return e
  }

  /** Open file descriptors of the process (Linux /proc). */
  fdCount(): number {
    return readdirSync(`/proc/${this.pid}/fd`).length
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()))
}

process.on('exit', () => {
  for (const p of live) p.child.kill('SIGKILL')
})
