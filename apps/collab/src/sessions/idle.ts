import type { Member } from './rooms.js'

/** Closes members that send nothing for `timeoutMs`: one timer each, re-armed for the time left. */
export class IdleTimers {
  readonly #timeoutMs: number
  readonly #onIdle: (member: Member, silentMs: number) => void
  readonly #timers = new Map<Member, NodeJS.Timeout>()
  readonly #lastActivity = new Map<Member, number>()

  constructor(timeoutMs: number, onIdle: (member: Member, silentMs: number) => void) {
    this.#timeoutMs = timeoutMs
    this.#onIdle = onIdle
  }

  /** A member joined: its silence is timed from now. */
  arm(member: Member): void {
    this.#lastActivity.set(member, Date.now())
    this.#schedule(member, this.#timeoutMs)
  }

  /** A sign of life from the member. */
  touch(member: Member): void {
    if (this.#lastActivity.has(member)) this.#lastActivity.set(member, Date.now())
  }

  disarm(member: Member): void {
    const timer = this.#timers.get(member)
    if (timer !== undefined) clearTimeout(timer)
    this.#timers.delete(member)
    this.#lastActivity.delete(member)
  }

  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
    this.#lastActivity.clear()
  }

  #schedule(member: Member, delay: number): void {
    const timer = setTimeout(() => {
      const last = this.#lastActivity.get(member)
      if (last === undefined) return
      const silentFor = Date.now() - last
      if (silentFor < this.#timeoutMs) {
        this.#schedule(member, this.#timeoutMs - silentFor)
        return
      }
      this.#timers.delete(member)
      this.#onIdle(member, silentFor)
    }, delay)
    timer.unref()
    this.#timers.set(member, timer)
  }
}
