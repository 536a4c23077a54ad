import type { EventFrame } from '@pp/contracts'
import { contextFrom, inSpan, SpanKind, tracingOn } from '@pp/telemetry'
import type { Ctx } from '../domain/context.js'
import { applyInbound, type InboundEvent, type InboundOutcome } from '../domain/inbound.js'
import { type RefusalReason, receive } from '../domain/receive.js'
import { eventsReceived, eventsRefused } from '../metrics.js'
import type { TypingRelay } from './typing-relay.js'

export type DeliveryCounters = Record<InboundOutcome, number>

/** Received events refused before being opened, by reason (each also counted in `refused`). */
export type RefusalCounters = Record<RefusalReason, number>

/** Refusals are logged once per sender, event and reason: a sender retrying does not flood the log. */
const LOGGED_REFUSALS_KEPT = 10_000

/**
 * Received events, opened and applied in arrival order; each is acked after the commit that holds it.
 * An event that does not open or verify is refused and (unless its sender is proven) left unacked, so
 * the sender's genuine event, sent again, still arrives.
 */
export class InboundQueue {
  readonly counters: DeliveryCounters = { applied: 0, ignored: 0, refused: 0, duplicate: 0, deferred: 0 }
  readonly refusals: RefusalCounters = {
    cannot_open: 0,
    bad_signature: 0,
    invalid_event: 0,
    unknown_keys: 0,
    changed_keys: 0,
    invalid_frame: 0,
  }
  private readonly loggedRefusals = new Set<string>()
  private opening: Promise<void> = Promise.resolve()
  /** Received events submitted for applying and not committed yet. */
  private readonly applying = new Set<Promise<void>>()
  private stopped = false

  constructor(
    private readonly ctx: Ctx,
    /** Acks event `id` to its sender `to` through the relay. */
    private readonly ack: (id: string, to: string) => void,
    private readonly typing: TypingRelay,
  ) {}

  /** Stops taking events and waits for those being applied, so nothing is cut mid-transaction. */
  async stop(): Promise<void> {
    this.stopped = true
    await this.opening
    await Promise.all(this.applying)
  }

  push(frame: EventFrame): void {
    this.opening = this.opening.then(async () => {
      if (this.stopped) return
      try {
        await this.open(frame)
      } catch (err) {
        this.ctx.log.error({ err, eventId: frame.id }, `applying ${frame.event.type} failed: left unacked`)
      }
    })
  }

  private async open(frame: EventFrame): Promise<void> {
    const received = await receive(this.ctx, frame)
    switch (received.kind) {
      case 'refused':
        this.refuse(
          { id: frame.id, fromId: frame.from.id, type: frame.event.type },
          received.reason,
          received.message,
        )
        if (received.ack) this.ack(frame.id, frame.from.id)
        return
      case 'hello':
        this.counters[received.outcome] += 1
        eventsReceived.inc({ type: 'hello', outcome: received.outcome })
        this.ack(frame.id, frame.from.id)
        return
      case 'typing':
        await this.typing.received(received.from, received.ideaId, received.userId, received.activity)
        return
      case 'event':
        this.apply(frame, received.event)
        return
    }
  }

  /**
   * Not awaited: the next received event's transaction joins this one's group commit. Each is acked
   * after the commit that holds it; they are applied in arrival order all the same.
   */
  private apply(frame: EventFrame, event: InboundEvent): void {
    const apply = () => applyInbound(this.ctx, event)
    // A traced event is applied in a span of the sender's trace; what it pushes to the browser too.
    const done = (
      frame.traceparent !== undefined && tracingOn()
        ? inSpan(
            `apply ${event.event.type}`,
            {
              kind: SpanKind.CONSUMER,
              parent: contextFrom(frame.traceparent),
              attributes: { 'pp.event.id': frame.id },
            },
            apply,
          )
        : apply()
    )
      .then((outcome) => {
        this.counters[outcome] += 1
        eventsReceived.inc({ type: event.event.type, outcome })
        if (outcome === 'refused') eventsRefused.inc({ type: event.event.type, reason: 'not_allowed' })
        if (outcome !== 'deferred') this.ack(frame.id, frame.from.id)
      })
      .catch((err: unknown) =>
        this.ctx.log.error({ err, eventId: frame.id }, `applying ${frame.event.type} failed: left unacked`),
      )
      .finally(() => this.applying.delete(done))
    this.applying.add(done)
  }

  /** Counts a refusal; logs it once per sender, event and reason. */
  refuse(e: { id: string; fromId: string; type: string }, reason: RefusalReason, message: string): void {
    this.counters.refused += 1
    this.refusals[reason] += 1
    eventsReceived.inc({ type: e.type, outcome: 'refused' })
    eventsRefused.inc({ type: e.type, reason })
    const k = `${e.fromId}|${e.id}|${reason}`
    if (this.loggedRefusals.has(k)) return
    if (this.loggedRefusals.size >= LOGGED_REFUSALS_KEPT) this.loggedRefusals.clear()
    this.loggedRefusals.add(k)
    this.ctx.log.warn(
      { eventId: e.id, fromId: e.fromId, reason, message },
      `Refused ${e.type} event from ${this.ctx.names.label(e.fromId)}: ${message} (not applied)`,
    )
  }
}
