import type { SendFrame } from '@pp/contracts'
import type { LineBudget } from '@pp/telemetry'
import type { Logger } from 'pino'
import type { KeyRing } from '../crypto/keyring.js'
import type { Db } from '../db/client.js'
import { type Sql, sqlOf } from '../db/sql.js'
import type { PeerNames } from '../domain/peer-names.js'
import { dueOutbox, earlierUnacked, nextParkedAt } from '../domain/store.js'
import type { Outbox } from '../generated/prisma/client.js'
import { eventsSent } from '../metrics.js'
import { Pacer, retryDelayMs } from './backoff.js'
import { DeliveryMarks, deliveryKey as key, sleep } from './delivery-marks.js'
import { eventLines } from './event-lines.js'
import { eventBody, sendTraceparent, wireEvent } from './wire-event.js'

export type Link = {
  readonly connected: boolean
  send(frame: SendFrame): boolean
}

const BATCH = 200
/** Below the relay's 2,000 frames/s (burst 4,000), leaving room for the acks of what this backend receives. */
const FRAMES_PER_SECOND = 1500
const FRAME_BURST = 1500
/** A recipient the relay reported offline is tried again after this long, or when it comes online. */
const OFFLINE_RETRY_MS = 30_000
/** Rows for a recipient whose keys have not arrived are looked at again after this long at the latest. */
const KEYS_RETRY_MS = 30_000

/** A row sent and not acked yet; `parked` when the relay reported its recipient offline. */
type InFlight = {
  seq: number
  recipientId: string
  attempts: number
  retryAt: number
  parked: boolean
  /** `ideaId|recipientId` of a share-changing event: later ones for the same pair wait for its ack. */
  order?: string | undefined
}

/**
 * Events that change whether a recipient holds an idea. Two of them for the same idea and recipient
 * must arrive in the order they were written: a revocation that overtakes the re-share after it (a
 * retry after a lost frame) would leave the sharee without an idea shared with it, and the reverse
 * with one it may no longer see. They are sent one at a time per idea and recipient.
 */
const ORDERED: ReadonlySet<string> = new Set(['position_shared', 'share_revoked', 'position_deleted'])

/**
 * Sends pending outbox rows while the relay link is up, right after the commit that wrote them.
 * Rows of one event due together go in one `send` frame. A row stays pending until the relay reports
 * the recipient's `ack`. Sending writes nothing to disk: what is in flight is kept in memory and sent
 * again with backoff if no ack comes (after a restart everything unacked simply goes again; the
 * recipient's inbox drops duplicates). Rows for a recipient reported offline are parked in the
 * database until its `presence` turns online. Acks are written in batches.
 */
export class Dispatcher {
  private running = false
  private again = false
  private stopped = false
  private timer: NodeJS.Timeout | null = null
  private readonly pacer = new Pacer(FRAMES_PER_SECOND, FRAME_BURST)
  private readonly inFlight = new Map<string, InFlight>()
  /** Rows held back at the last pass because an earlier share-changing event is still unacked. */
  private held = 0
  private readonly marks: DeliveryMarks
  /** Rows waiting for their recipient's keys (its `hello`), by recipient, and since when. */
  private readonly awaitingKeys = new Map<string, { seqs: Set<number>; since: number }>()

  constructor(
    private readonly db: Db,
    private readonly link: Link,
    private readonly log: Logger,
    private readonly names: PeerNames,
    onChange: () => void,
    private readonly keys: KeyRing,
    /** Sends my `hello` to a recipient whose keys I lack (once; its answer brings them). */
    private readonly askForKeys: (userId: string) => Promise<void>,
    /** Runs statements in a transaction (the backend's group commit, so marks share its fsync). */
    transact: (work: (q: Sql) => Promise<void>) => Promise<void>,
    /** The budget of per-event info lines, shared with the received events' lines. */
    private readonly lines: LineBudget = eventLines(log),
  ) {
    this.marks = new DeliveryMarks(transact, log, onChange, OFFLINE_RETRY_MS, () => this.stopped)
  }

  /** A peer's keys arrived or changed: its rows waiting for them go now. */
  onKeysLearned(userId: string): void {
    if (this.awaitingKeys.delete(userId)) this.kick()
  }

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

  /** Waits for batched ack and park writes (tests, shutdown). */
  async settle(): Promise<void> {
    await this.marks.settle()
  }

  /** The link is (back) up: everything unacked is due again. */
  async onLinkUp(): Promise<void> {
    this.inFlight.clear()
    // A park from the old link still being written would otherwise land after this and hold its row
    // back while a later share-changing event for the same idea and recipient goes ahead of it.
    await this.marks.parksWritten()
    await this.db.outbox.updateMany({
      where: { ackedAt: null, nextAttemptAt: { gt: new Date() } },
      data: { nextAttemptAt: new Date() },
    })
    this.kick()
  }

  /**
   * A recipient came online: its parked rows are due now. Rows in flight are left alone unless it was
   * seen offline before (then they were lost with its old connection), so a `presence` answering a
   * `watch` does not double every send.
   */
  async onPeerOnline(userId: string, reconnected = false): Promise<void> {
    // After the peer was seen offline, whatever was in flight to it died with its old connection.
    const before = this.inFlight.size
    for (const [k, f] of this.inFlight) {
      if (f.recipientId === userId && (f.parked || reconnected)) this.inFlight.delete(k)
    }
    const released = before - this.inFlight.size
    await this.marks.parksWritten()
    const r = await this.db.outbox.updateMany({
      where: { recipientId: userId, ackedAt: null, nextAttemptAt: { gt: new Date() } },
      data: { nextAttemptAt: new Date() },
    })
    if (r.count + released > 0) {
      this.log.info({ peer: userId, rows: r.count + released }, 'peer online: flushing its outbox rows')
      this.kick()
    }
  }

  /** The relay reports that `by` stored event `id`. */
  onAck(id: string, by: string): void {
    const f = this.inFlight.get(key(id, by))
    this.inFlight.delete(key(id, by))
    this.marks.ack(id, by)
    if (f?.order !== undefined && this.held > 0) this.kick()
  }

  /** The recipient is offline: the row is parked until it comes online (or OFFLINE_RETRY_MS). */
  onUndeliverable(id: string, to: string): void {
    const k = key(id, to)
    const f = this.inFlight.get(k)
    if (f) this.inFlight.set(k, { ...f, retryAt: Date.now() + OFFLINE_RETRY_MS, parked: true })
    this.marks.park(id, to)
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
      const now = Date.now()
      const waiting = new Set<number>()
      for (const f of this.inFlight.values()) if (f.retryAt > now) waiting.add(f.seq)
      for (const [peer, w] of this.awaitingKeys) {
        if (now - w.since > KEYS_RETRY_MS) this.awaitingKeys.delete(peer)
        else for (const seq of w.seqs) waiting.add(seq)
      }
      const rows = await dueOutbox(sqlOf(this.db), new Date(now), waiting, BATCH)
      if (rows.length === 0) return
      this.held = 0
      let sentAny = false
      for (const all of groupByEvent(rows)) {
        const group: Outbox[] = []
        for (const r of all) {
          if (this.marks.acked(r.eventId, r.recipientId)) continue
          // A share-changing event waits for every earlier one for the same idea and recipient.
          if (orderKey(r) !== undefined && (await this.waitsForEarlier(r))) continue
          group.push(r)
        }
        this.held += all.length - group.length
        const first = group[0]
        if (first === undefined) continue
        // One body per event (a share's snapshot as it is now), sealed for each recipient in turn.
        const json = await eventBody(this.db, this.keys, first)
        const sentTo: string[] = []
        let attempt = 0
        for (const r of group) {
          const event = await wireEvent(this.keys, r, json)
          if (event === null) {
            await this.awaitKeys(r)
            continue
          }
          const wait = this.pacer.take()
          if (wait > 0) await sleep(wait)
          const traceparent = sendTraceparent(r)
          const frame: SendFrame = { type: 'send', id: r.eventId, to: [r.recipientId], event }
          if (traceparent !== undefined) frame.traceparent = traceparent
          if (!this.link.send(frame)) return
          sentAny = true
          sentTo.push(r.recipientId)
          eventsSent.inc({ type: r.type })
          const k = key(r.eventId, r.recipientId)
          const attempts = (this.inFlight.get(k)?.attempts ?? r.attempts) + 1
          attempt = Math.max(attempt, attempts)
          this.inFlight.set(k, {
            seq: r.seq,
            recipientId: r.recipientId,
            attempts,
            retryAt: Date.now() + retryDelayMs(attempts),
            parked: false,
            order: orderKey(r),
          })
        }
        if (sentTo.length === 0 || !this.lines.take()) continue
        const names = sentTo.map((u) => this.names.label(u)).join(', ')
        this.log.info({ eventId: first.eventId, to: sentTo, attempt }, `${first.type} event sent to ${names}`)
      }
      if (rows.length < BATCH || !sentAny) return
    }
  }

  /**
   * Whether an earlier share-changing event for the same idea and recipient is still unacked, wherever
   * it is (in flight, parked, due later, sent earlier in this pass): this one waits for it.
   */
  private async waitsForEarlier(r: Outbox): Promise<boolean> {
    if (r.ideaId === null) return false
    const earlier = await earlierUnacked(
      sqlOf(this.db),
      { seq: r.seq, ideaId: r.ideaId, recipientId: r.recipientId },
      [...ORDERED],
    )
    return earlier.some((id) => !this.marks.acked(id, r.recipientId))
  }

  private async awaitKeys(row: Outbox): Promise<void> {
    const w = this.awaitingKeys.get(row.recipientId)
    if (w !== undefined) {
      w.seqs.add(row.seq)
      return
    }
    this.awaitingKeys.set(row.recipientId, { seqs: new Set([row.seq]), since: Date.now() })
    this.log.info({ peer: row.recipientId }, 'waiting for the keys of a recipient before sending to it')
    await this.askForKeys(row.recipientId)
  }

  /** Wakes up for the earliest retry still waiting (not on the first-send path). */
  private async armTimer(): Promise<void> {
    if (this.stopped || !this.link.connected) return
    const now = Date.now()
    const inFlightNext = Math.min(...[...this.inFlight.values()].map((f) => f.retryAt))
    const parked = await nextParkedAt(sqlOf(this.db), new Date(now))
    const keysNext = Math.min(...[...this.awaitingKeys.values()].map((w) => w.since + KEYS_RETRY_MS))
    const next = Math.min(inFlightNext, keysNext, parked?.getTime() ?? Number.POSITIVE_INFINITY)
    if (Number.isFinite(next)) this.armRetry(Math.max(0, next - now) + 5)
  }

  private armRetry(ms: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.kick()
    }, ms)
  }
}

function orderKey(r: Outbox): string | undefined {
  return ORDERED.has(r.type) && r.ideaId !== null ? `${r.ideaId}|${r.recipientId}` : undefined
}

function groupByEvent(rows: Outbox[]): Outbox[][] {
  const groups = new Map<string, Outbox[]>()
  for (const r of rows) groups.set(r.eventId, [...(groups.get(r.eventId) ?? []), r])
  return [...groups.values()]
}
