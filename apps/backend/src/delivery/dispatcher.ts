import type { SendFrame } from '@pp/contracts'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import type { Outbox } from '../generated/prisma/client.js'
import { Pacer, retryDelayMs } from './backoff.js'

export type Link = {
  readonly connected: boolean
  send(frame: SendFrame): boolean
}

const BATCH = 200
/** Kept well below the relay's 2,000 frames/s (burst 4,000), leaving room for acks and watches. */
const FRAMES_PER_SECOND = 1000
const FRAME_BURST = 1000

/**
 * Sends pending outbox rows while the relay link is up, right after the commit that wrote them.
 * Rows of one event due together go in one `send` frame. A row stays pending until the relay reports
 * the recipient's `ack`; unacked rows are sent again with backoff, and at once when the recipient
 * comes online or the link comes back.
 */
export class Dispatcher {
  private running = false
  private again = false
  private stopped = false
  private timer: NodeJS.Timeout | null = null
  private readonly pacer = new Pacer(FRAMES_PER_SECOND, FRAME_BURST)
  /** Per recipient, events the relay reported undeliverable (offline) since it was last online. */
  private readonly undelivered = new Map<string, Set<string>>()

  constructor(
    private readonly db: Db,
    private readonly link: Link,
    private readonly log: Logger,
    private readonly names: Map<string, string>,
    private readonly onChange: () => void,
  ) {}

  /** Dispatch due rows now (after a commit, a reconnect, a presence change). */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    setImmediate(() => void this.loop())
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  /** The link is (back) up: everything unacked is due again. */
  async onLinkUp(): Promise<void> {
    await this.db.outbox.updateMany({ where: { ackedAt: null }, data: { nextAttemptAt: new Date() } })
    this.kick()
  }

  /**
   * A recipient came online: rows the relay could not deliver to it (and rows never sent) are due now.
   * Rows in flight are left alone, so a `presence` answering a `watch` does not double every send.
   */
  async onPeerOnline(userId: string): Promise<void> {
    const missed = [...(this.undelivered.get(userId) ?? [])]
    this.undelivered.delete(userId)
    const r = await this.db.outbox.updateMany({
      where: { recipientId: userId, ackedAt: null, OR: [{ eventId: { in: missed } }, { attempts: 0 }] },
      data: { nextAttemptAt: new Date() },
    })
    if (r.count > 0) {
      this.log.info({ peer: userId, rows: r.count }, 'peer online: flushing its outbox rows')
      this.kick()
    }
  }

  /** The relay reports that `by` stored event `id`. */
  async onAck(id: string, by: string): Promise<void> {
    const r = await this.db.outbox.updateMany({
      where: { eventId: id, recipientId: by, ackedAt: null },
      data: { ackedAt: new Date() },
    })
    if (r.count > 0) this.onChange()
  }

  /** The recipient is offline: the row stays pending until it comes online (or its retry is due). */
  onUndeliverable(id: string, to: string): void {
    const set = this.undelivered.get(to) ?? new Set<string>()
    set.add(id)
    this.undelivered.set(to, set)
    this.log.debug({ eventId: id, to }, 'recipient offline: event kept in outbox')
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false
        await this.sendDue()
      } while (this.again && !this.stopped)
      await this.armTimer()
    } catch (err) {
      this.log.error({ err }, 'outbox dispatch failed')
      this.armRetry(1000)
    } finally {
      this.running = false
    }
  }

  private async sendDue(): Promise<void> {
    while (!this.stopped && this.link.connected) {
      const rows = await this.db.outbox.findMany({
        where: { ackedAt: null, nextAttemptAt: { lte: new Date() } },
        orderBy: { seq: 'asc' },
        take: BATCH,
      })
      if (rows.length === 0) return
      const sent: Outbox[] = []
      for (const group of groupByEvent(rows)) {
        const wait = this.pacer.take()
        if (wait > 0) await sleep(wait)
        const first = group[0]
        if (first === undefined) continue
        const frame: SendFrame = {
          type: 'send',
          id: first.eventId,
          to: group.map((r) => r.recipientId),
          event: JSON.parse(first.payload) as SendFrame['event'],
        }
        if (!this.link.send(frame)) break
        sent.push(...group)
        const names = frame.to.map((u) => this.names.get(u) ?? u).join(', ')
        this.log.info(
          { eventId: frame.id, to: frame.to, attempt: first.attempts + 1 },
          `${first.type} event sent to ${names}`,
        )
      }
      if (sent.length === 0) return
      await this.markSent(sent)
      if (sent.length < rows.length) return
    }
  }

  private async markSent(rows: Outbox[]): Promise<void> {
    const now = Date.now()
    const byAttempts = new Map<number, number[]>()
    for (const r of rows) byAttempts.set(r.attempts, [...(byAttempts.get(r.attempts) ?? []), r.seq])
    await this.db.$transaction(async (tx) => {
      for (const [attempts, seqs] of byAttempts) {
        await tx.outbox.updateMany({
          where: { seq: { in: seqs } },
          data: {
            attempts: attempts + 1,
            lastSentAt: new Date(now),
            nextAttemptAt: new Date(now + retryDelayMs(attempts + 1)),
          },
        })
      }
    })
  }

  /** Wakes up for the earliest retry still waiting (not on the first-send path). */
  private async armTimer(): Promise<void> {
    if (this.stopped || !this.link.connected) return
    const next = await this.db.outbox.findFirst({
      where: { ackedAt: null },
      orderBy: { nextAttemptAt: 'asc' },
      select: { nextAttemptAt: true },
    })
    if (next === null) return
    this.armRetry(Math.max(0, next.nextAttemptAt.getTime() - Date.now()) + 5)
  }

  private armRetry(ms: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.kick()
    }, ms)
  }
}

function groupByEvent(rows: Outbox[]): Outbox[][] {
  const groups = new Map<string, Outbox[]>()
  for (const r of rows) groups.set(r.eventId, [...(groups.get(r.eventId) ?? []), r])
  return [...groups.values()]
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
