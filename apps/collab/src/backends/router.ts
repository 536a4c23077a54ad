import { contextFrom, SpanKind, startSpan, traceparentOf, tracingOn } from '@pp/telemetry'
import type { Cluster, RemoteDelivery } from '../cluster/cluster.js'
import type { RelayMetrics } from '../metrics.js'
import type { BackendConnection } from './connection.js'
import { ackByFrame, eventFrame, type InboundAck, type InboundSend, undeliverableFrame } from './frames.js'
import type { RoutingLog } from './routing-log.js'
import type { WatchIndex } from './watch-index.js'
import { textFrame } from './wire.js'
import type { CorkedWriter } from './write-path.js'

export type RouterParts = {
  /** The routing connection of a user on this node. */
  active: (userId: string) => BackendConnection | undefined
  cluster: Cluster | undefined
  writer: CorkedWriter
  watches: WatchIndex
  routing: RoutingLog
  metrics: RelayMetrics
}

/**
 * The write path of events and acks: a `send` goes to each recipient's socket here, to the recipient's
 * node, or back as `undeliverable`; an `ack` goes to the event's sender wherever it is.
 */
export class EventRouter {
  readonly #active: (userId: string) => BackendConnection | undefined
  readonly #cluster: Cluster | undefined
  readonly #writer: CorkedWriter
  readonly #watches: WatchIndex
  readonly #routing: RoutingLog
  readonly #m: RelayMetrics
  /** `event` frames handed to a recipient's socket on this node. */
  eventsRouted = 0

  constructor(parts: RouterParts) {
    this.#active = parts.active
    this.#cluster = parts.cluster
    this.#writer = parts.writer
    this.#watches = parts.watches
    this.#routing = parts.routing
    this.#m = parts.metrics
  }

  /** A `send` from `conn`: to each recipient here, forwarded to its node, or `undeliverable`. */
  send(conn: BackendConnection, frame: InboundSend, eventJson: string | undefined): void {
    const started = performance.now()
    const type = frame.event.type
    // The sender's trace goes on through the relay (with a span of its own when this relay traces).
    const route =
      frame.traceparent !== undefined && tracingOn()
        ? startSpan(`route ${type}`, {
            kind: SpanKind.CONSUMER,
            parent: contextFrom(frame.traceparent),
            attributes: { 'pp.event.id': frame.id, 'pp.event.type': type },
          })
        : undefined
    const traceparent = route === undefined ? frame.traceparent : traceparentOf(route.ctx)
    const out = eventFrame(frame.id, conn.userJson, frame.event, eventJson, traceparent)
    const to = frame.to
    // One complete WebSocket frame, written as it is to every recipient's socket.
    const payload = textFrame(out)
    let delivered = 0
    let forwarded = 0
    // A recipient listed twice gets the event once (one list, one delivery each).
    const seen = to.length > 1 ? new Set<string>() : undefined
    for (let i = 0; i < to.length; i++) {
      const recipient = to[i] as string
      if (seen !== undefined) {
        if (seen.has(recipient)) continue
        seen.add(recipient)
      }
      const target = this.#active(recipient)
      if (target !== undefined) {
        this.#writer.send(target, payload)
        delivered++
        if (this.#routing.lines) this.#routing.routed(type, frame.id, conn.user, target.user, {})
        continue
      }
      const remote = this.#cluster?.locate(recipient)
      if (remote !== undefined && this.#cluster !== undefined) {
        this.#cluster.forward(remote.node, {
          kind: 'event',
          to: recipient,
          frame: out,
          eventId: frame.id,
          eventType: type,
          from: conn.user,
          fromNode: this.#cluster.nodeId,
        })
        forwarded++
        if (this.#routing.lines)
          this.#routing.routed(type, frame.id, conn.user, remote.user, { node: remote.node })
        continue
      }
      this.#writer.send(conn, undeliverableFrame(frame.id, recipient))
      this.#watches.await(conn, recipient)
      this.#m.undeliverable.inc()
      this.#routing.count(type, 'offline')
      if (this.#routing.lines) this.#routing.routed(type, frame.id, conn.user, { id: recipient }, 'offline')
    }
    this.eventsRouted += delivered
    if (delivered + forwarded > 0) this.#routing.count(type, 'delivered', delivered + forwarded)
    this.#m.routingLatency.observe((performance.now() - started) / 1000)
    route?.span.setAttribute('pp.delivered', delivered + forwarded)
    route?.span.end()
  }

  /** An `ack` from `conn`, for the sender of the event it stored. */
  ack(conn: BackendConnection, frame: InboundAck): void {
    const text = ackByFrame(frame.id, conn.user.id)
    this.#m.acks.inc()
    const target = this.#active(frame.to)
    if (target !== undefined) {
      this.#writer.send(target, text)
      return
    }
    const remote = this.#cluster?.locate(frame.to)
    if (remote !== undefined)
      this.#cluster?.forward(remote.node, { kind: 'frame', to: frame.to, frame: text })
    // The sender is offline: it sends the event again later and the duplicate is acked again.
  }

  /** A frame from another node for a user here. */
  deliver(delivery: RemoteDelivery): void {
    const target = this.#active(delivery.to)
    if (target !== undefined) {
      this.#writer.send(target, delivery.frame)
      if (delivery.kind === 'event') this.eventsRouted++
      return
    }
    if (delivery.kind === 'event' && this.#cluster !== undefined) {
      // The recipient left between the sender's lookup and now: tell the sender.
      this.#cluster.forward(delivery.fromNode, {
        kind: 'frame',
        to: delivery.from.id,
        frame: undeliverableFrame(delivery.eventId, delivery.to),
      })
    }
  }
}
