import type { Logger } from 'pino'
import type { Sql } from '../db/sql.js'
import { markAcked, markParked } from '../domain/store.js'

/** Acks are recorded in batches gathered over this long (not on the delivery path). */
const ACK_BATCH_MS = 100

export const deliveryKey = (eventId: string, recipientId: string) => `${eventId}|${recipientId}`

/**
 * What the relay reported about sent rows, written to the outbox in batches: `ack`s (the row is done)
 * and `undeliverable`s (the row is parked until its recipient comes online). Each batch is one
 * transaction in a commit group with whatever else is being written, so it shares that fsync. A lost
 * mark only means the event is sent again (and dropped by the recipient's inbox).
 */
export class DeliveryMarks {
  private acks: Array<{ id: string; by: string }> = []
  private acking: Promise<void> | null = null
  private parked: Array<{ id: string; to: string }> = []
  private parking: Promise<void> | null = null
  /** Acked rows whose ack is not in the database yet: not to be sent again meanwhile. */
  private readonly ackedNotWritten = new Set<string>()

  constructor(
    /** Runs statements in a transaction (the backend's group commit). */
    private readonly transact: (work: (q: Sql) => Promise<void>) => Promise<void>,
    private readonly log: Logger,
    /** Acks changed what is pending (the delivery stats the browser shows). */
    private readonly onChange: () => void,
    /** How long a parked row waits at most for its recipient to come online. */
    private readonly offlineRetryMs: number,
    private readonly stopped: () => boolean,
  ) {}

  /** Acked, though maybe not written yet. */
  acked(eventId: string, recipientId: string): boolean {
    return this.ackedNotWritten.has(deliveryKey(eventId, recipientId))
  }

  ack(id: string, by: string): void {
    this.ackedNotWritten.add(deliveryKey(id, by))
    this.acks.push({ id, by })
    if (this.acking === null) this.acking = this.writeAcks()
  }

  park(id: string, to: string): void {
    this.parked.push({ id, to })
    if (this.parking === null) this.parking = this.writeParked()
  }

  /** Parks being written are in the database once this resolves. */
  async parksWritten(): Promise<void> {
    await this.parking
  }

  /** Waits for every batched write (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.acking || this.parking) await Promise.all([this.acking, this.parking])
  }

  private async writeAcks(): Promise<void> {
    try {
      // Gathered for a moment and written together.
      if (!this.stopped()) await sleep(ACK_BATCH_MS)
      while (this.acks.length > 0) {
        const batch = this.acks
        this.acks = []
        let changed = 0
        await this.transact(async (q) => {
          changed = await markAcked(q, batch, new Date())
        })
        if (changed > 0) this.onChange()
      }
    } catch (err) {
      this.log.error({ err }, 'recording acks failed (the events will be sent again)')
    } finally {
      this.acking = null
      // Written (or failed): from here the database says what is acked.
      if (this.acks.length === 0) this.ackedNotWritten.clear()
    }
  }

  private async writeParked(): Promise<void> {
    try {
      while (this.parked.length > 0) {
        const batch = this.parked
        this.parked = []
        const retryAt = new Date(Date.now() + this.offlineRetryMs)
        await this.transact((q) => markParked(q, batch, new Date(), retryAt))
        this.log.debug({ rows: batch.length }, 'recipients offline: events kept in the outbox')
      }
    } catch (err) {
      this.log.error({ err }, 'parking undeliverable rows failed')
    } finally {
      this.parking = null
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
