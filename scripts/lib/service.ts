import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'

export interface ServiceSpec {
  /** Short name used in messages: `relay`, `backend-a`, `web-a`. */
  name: string
  command: string
  args: string[]
  cwd: string
  env: Record<string, string>
  logFile: string
  port: number
  /** URL that answers 200 once the service is ready. */
  readyUrl: string
}

export type ExitListener = (service: Service, code: number | null, signal: NodeJS.Signals | null) => void

/**
 * One child process in its own process group (spawned detached), with stdout and stderr appended to its
 * log file. `stop()` signals the whole group, so wrappers (tsx watch, vite) and their children go too.
 */
export class Service {
  child: ChildProcess | undefined
  private exited: Promise<void> = Promise.resolve()
  /** Set while stopping on purpose, so the exit is not reported as a crash. */
  stopping = false
  /** Why the process could not be spawned at all. */
  spawnError: Error | undefined

  constructor(
    readonly spec: ServiceSpec,
    private readonly onExit: ExitListener,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid
  }

  get running(): boolean {
    const c = this.child
    return c !== undefined && this.spawnError === undefined && c.exitCode === null && c.signalCode === null
  }

  start(truncateLog: boolean): void {
    const fd = openSync(this.spec.logFile, truncateLog ? 'w' : 'a')
    this.stopping = false
    this.spawnError = undefined
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    })
    closeSync(fd)
    this.child = child
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve()
        if (!this.stopping) this.onExit(this, code, signal)
      })
      // Spawning failed (e.g. the command is missing): report it like an exit.
      child.once('error', (err) => {
        this.spawnError = err
        resolve()
        if (!this.stopping) this.onExit(this, null, null)
      })
    })
  }

  /** Polls `readyUrl` until it answers 2xx; fails when the process exits first or on timeout. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.spec.name} exited before it was ready (${this.exitText()})`)
      try {
        const res = await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(2000) })
        await res.arrayBuffer()
        if (res.ok) return
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 150))
    }
    throw new Error(`${this.spec.name} did not answer ${this.spec.readyUrl} within ${timeoutMs / 1000} s`)
  }

  /**
   * Polls `readyUrl` every `everyMs` while the service runs; after `misses` failed polls in a row with
   * the process still alive (a watcher whose child died, a hung process), calls `onUnhealthy` once. Stops
   * when the service stops or exits (an exit is reported by the exit listener).
   */
  watchHealth(onUnhealthy: (service: Service) => void, everyMs = 2000, misses = 3): void {
    const child = this.child
    let failed = 0
    const poll = async () => {
      if (this.child !== child || this.stopping || !this.running) return
      try {
        const res = await fetch(this.spec.readyUrl, { signal: AbortSignal.timeout(everyMs) })
        await res.arrayBuffer()
        failed = res.ok ? 0 : failed + 1
      } catch {
        failed++
      }
      if (this.child !== child || this.stopping || !this.running) return
      if (failed >= misses) return onUnhealthy(this)
      setTimeout(() => void poll(), everyMs).unref()
    }
    setTimeout(() => void poll(), everyMs).unref()
  }

  exitText(): string {
    const c = this.child
    if (!c) return 'not started'
    if (this.spawnError) return `could not run ${this.spec.command}: ${this.spawnError.message}`
    if (c.signalCode) return `killed by ${c.signalCode}`
    if (c.exitCode !== null) return `exit code ${c.exitCode}`
    return 'running'
  }

  /** The last lines of the log, for failure messages. */
  logTail(lines = 15): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
    } catch {
      return ''
    }
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the group is gone. */
  async stop(graceMs = 5000): Promise<void> {
    const pid = this.child?.pid
    if (pid === undefined) return
    this.stopping = true
    signalGroup(pid, 'SIGTERM')
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
    // The leader is gone; sweep anything left in its group (e.g. a watcher's child).
    const sweepUntil = Date.now() + graceMs
    while (groupAlive(pid) && Date.now() < sweepUntil) {
      signalGroup(pid, 'SIGTERM')
      await new Promise((r) => setTimeout(r, 100))
    }
    if (groupAlive(pid)) signalGroup(pid, 'SIGKILL')
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // the group is already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}
