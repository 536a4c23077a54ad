import {
  type CollabStatus,
  type Friend,
  type OnlineUser,
  PROTOCOL_VERSION,
  type RelayFrame,
  type ThreadActivity,
  type UserRef,
} from '@pp/contracts'
import type { OwnKeys } from '@pp/contracts/sealing'
import { inSpan, inTrace, SpanKind } from '@pp/telemetry'
import type { Logger } from 'pino'
import { type Config, relayTokenOf } from './config.js'
import { KeyRing } from './crypto/keyring.js'
import type { Db } from './db/client.js'
import { sqlOf } from './db/sql.js'
import { collabStatus } from './delivery/collab-status.js'
import { Dispatcher } from './delivery/dispatcher.js'
import { eventLines } from './delivery/event-lines.js'
import { type DeliveryCounters, InboundQueue, type RefusalCounters } from './delivery/inbound-queue.js'
import { RelayClient } from './delivery/relay-client.js'
import { relayOnlineUsers } from './delivery/relay-online.js'
import { mintDevRelayToken } from './delivery/token.js'
import { TypingRelay } from './delivery/typing-relay.js'
import type { Ctx } from './domain/context.js'
import type { EffectSink, Effects, LiveEmit } from './domain/effects.js'
import { listFriends, watchedUserIds } from './domain/friends.js'
import { PeerNames } from './domain/peer-names.js'
import { askForKeys } from './domain/receive.js'
import { GroupCommitter, inTx } from './domain/tx.js'
import { relayConnects, relayDisconnects } from './metrics.js'

export type { DeliveryCounters, RefusalCounters }

export type LiveSink = { emit(e: LiveEmit): void }

/**
 * Ties the domain to the outside: publishes committed effects (browser pushes, dispatch, watch list),
 * runs the relay link and the dispatcher, and hands received frames to the inbound queue (events), the
 * dispatcher (acks, undeliverables) and presence.
 */
export class Hub implements EffectSink {
  readonly ctx: Ctx
  private readonly presence = new Map<string, boolean>()
  private readonly names = new PeerNames()
  private readonly relay: RelayClient | null
  private readonly dispatcher: Dispatcher
  private linkUp = false
  private since: string | null = null
  private relayUrl: string | null = null
  /** The protocol version the relay announced in its last welcome. */
  private relayProtocol: number | null = null
  private readonly inbound: InboundQueue
  private readonly typing: TypingRelay
  private statusQueued = false
  private statusTimer: NodeJS.Timeout | null = null
  private live: LiveSink = { emit: () => {} }
  private stopped = false

  constructor(
    private readonly config: Config,
    db: Db,
    private readonly log: Logger,
    ownKeys: OwnKeys,
  ) {
    const me: UserRef = { id: config.BACKEND_USER_ID, displayName: config.BACKEND_DISPLAY_NAME }
    this.ctx = {
      db,
      me,
      log,
      sink: this,
      isOnline: (id) => this.presence.get(id) === true,
      names: this.names,
      keys: new KeyRing(me.id, ownKeys, db),
      commits: new GroupCommitter(db, (fx) => this.publish(fx)),
      eventLines: eventLines(log),
    }
    this.relay = config.ENABLE_COLLABORATION
      ? new RelayClient({
          urls: config.COLLABORATION_SERVICE_URL,
          backendUrl: config.BACKEND_URL,
          ca: config.collabCa,
          log,
          // The development token names nobody: a display name reaches friends only sealed.
          token: async () => relayTokenOf(config) ?? mintDevRelayToken(me.id),
          handlers: {
            onUp: ({ relayUrl, protocol }) => this.onUp(relayUrl, protocol),
            onDown: () => this.onDown(),
            onFrame: (f) => this.onFrame(f),
            // A frame that does not even parse proves nothing about its sender: refused, never acked,
            // so the sender's genuine event, sent again, still arrives.
            onInvalidEvent: (id, fromId, message) =>
              this.inbound.refuse({ id, fromId, type: 'unknown' }, 'invalid_frame', message),
          },
        })
      : null
    const relay = this.relay
    this.dispatcher = new Dispatcher(
      db,
      {
        get connected() {
          return relay?.connected ?? false
        },
        send: (frame) => relay?.send(frame) ?? false,
      },
      log,
      this.names,
      () => this.statusChanged(),
      this.ctx.keys,
      (userId) => askForKeys(this.ctx, userId),
      (work) => inTx(this.ctx, (tx) => work(sqlOf(tx))),
      this.ctx.eventLines,
    )
    this.typing = new TypingRelay(this.ctx, relay, (e) => this.live.emit(e))
    this.inbound = new InboundQueue(this.ctx, (id, to) => relay?.send({ type: 'ack', id, to }), this.typing)
  }

  get counters(): DeliveryCounters {
    return this.inbound.counters
  }

  get refusals(): RefusalCounters {
    return this.inbound.refusals
  }

  attachLive(live: LiveSink): void {
    this.live = live
  }

  /** Names for logs and the online list, from the friend records (the names friends signed). */
  async loadNames(): Promise<void> {
    this.names.signed(this.ctx.me.id, this.ctx.me.displayName)
    for (const f of await this.ctx.db.friend.findMany({ select: { userId: true, displayName: true } })) {
      this.names.signed(f.userId, f.displayName)
    }
  }

  start(): void {
    if (this.config.usesDevSecret && this.relay) {
      this.log.warn(
        'COLLAB_TOKEN not set: signing a relay token with the public development secret (a development relay only)',
      )
    }
    this.relay?.start()
  }

  /** Stops the link and waits for the event being applied, so nothing is cut mid-transaction. */
  async stop(): Promise<void> {
    this.stopped = true
    this.dispatcher.stop()
    this.relay?.stop()
    if (this.statusTimer) clearTimeout(this.statusTimer)
    await this.inbound.stop()
    await this.dispatcher.settle()
    this.ctx.eventLines?.flush()
  }

  // ---- effects after commit ---------------------------------------------------

  publish(fx: Effects): void {
    for (const userId of fx.peers) {
      this.ctx.keys.forget(userId)
      this.dispatcher.onKeysLearned(userId)
    }
    for (const e of fx.live) {
      if (inTrace()) inSpan(`live ${e.name}`, { kind: SpanKind.PRODUCER }, () => this.live.emit(e))
      else this.live.emit(e)
    }
    if (fx.outbox) {
      this.dispatcher.kick()
      this.statusChanged()
    }
    if (fx.friends) void this.friendsChanged()
  }

  private async friendsChanged(): Promise<void> {
    try {
      await this.sendWatch()
      const friends = await listFriends(this.ctx)
      for (const f of friends) this.names.signed(f.id, f.displayName)
      this.live.emit({ name: 'friends:changed', payload: friends })
      this.statusChanged()
    } catch (err) {
      this.log.error({ err }, 'friends update failed')
    }
  }

  private async sendWatch(): Promise<void> {
    if (!this.relay?.connected) return
    this.relay.send({ type: 'watch', userIds: await watchedUserIds(this.ctx) })
  }

  /** Pushes `collab:status` after a link or outbox change (coalesced over 100 ms). */
  statusChanged(): void {
    if (this.statusQueued || this.stopped) return
    this.statusQueued = true
    this.statusTimer = setTimeout(() => {
      this.statusQueued = false
      this.statusTimer = null
      this.status()
        .then((s) => this.live.emit({ name: 'collab:status', payload: s }))
        .catch((err: unknown) => this.log.error({ err }, 'collab status failed'))
    }, 100)
  }

  // ---- link ---------------------------------------------------------------------

  get connected(): boolean {
    return this.linkUp
  }

  linkState() {
    return {
      enabled: this.config.ENABLE_COLLABORATION,
      connected: this.linkUp,
      since: this.since,
      relayUrl: this.relayUrl,
      protocol: { backend: PROTOCOL_VERSION, relay: this.relayProtocol },
    }
  }

  async status(): Promise<CollabStatus> {
    return collabStatus(this.ctx.db, this.linkState(), this.ctx.isOnline, this.names)
  }

  private onUp(relayUrl: string, protocol: number): void {
    relayConnects.inc()
    this.linkUp = true
    this.since = new Date().toISOString()
    this.relayUrl = relayUrl
    this.relayProtocol = protocol
    void this.sendWatch().catch((err: unknown) => this.log.error({ err }, 'watch failed'))
    void this.dispatcher.onLinkUp().catch((err: unknown) => this.log.error({ err }, 'outbox resume failed'))
    this.statusChanged()
  }

  private onDown(): void {
    relayDisconnects.inc()
    this.linkUp = false
    this.since = new Date().toISOString()
    const wereOnline = [...this.presence].filter(([, online]) => online).map(([id]) => id)
    this.presence.clear()
    for (const id of wereOnline) {
      this.live.emit({
        name: 'presence',
        payload: { user: { id, displayName: this.names.label(id) }, online: false },
      })
    }
    this.statusChanged()
  }

  private onFrame(frame: Exclude<RelayFrame, { type: 'welcome' }>): void {
    switch (frame.type) {
      case 'presence': {
        // The relay's label names someone only until their own signed name is known.
        const user: UserRef = {
          id: frame.user.id,
          displayName: this.names.heard(frame.user.id, frame.user.displayName),
        }
        const previous = this.presence.get(frame.user.id)
        const was = previous === true
        this.presence.set(frame.user.id, frame.online)
        if (was !== frame.online) {
          this.log.info({ peer: user.id }, `${user.displayName} is ${frame.online ? 'online' : 'offline'}`)
        }
        this.live.emit({ name: 'presence', payload: { user, online: frame.online } })
        if (frame.online) {
          void this.dispatcher.onPeerOnline(frame.user.id, previous === false).catch(this.logError('flush'))
        }
        this.statusChanged()
        return
      }
      case 'event':
        this.inbound.push(frame)
        return
      case 'ack':
        this.dispatcher.onAck(frame.id, frame.by)
        return
      case 'undeliverable':
        this.presence.set(frame.to, false)
        this.dispatcher.onUndeliverable(frame.id, frame.to)
        this.statusChanged()
        return
      case 'error':
        this.log.warn({ code: frame.code, ref: frame.ref }, `relay refused a frame: ${frame.message}`)
        return
      case 'drain':
        return
    }
  }

  private logError(what: string) {
    return (err: unknown) => this.log.error({ err }, `${what} failed`)
  }

  /** The browser's `typing`: sent once to the others on the idea. */
  sendTyping(ideaId: string, activity?: ThreadActivity): Promise<void> {
    return this.typing.send(ideaId, activity)
  }

  // ---- relay HTTP ---------------------------------------------------------------------

  /** Users online at the relay this backend is connected to, this user among them (as the relay lists it). */
  async onlineUsers(): Promise<OnlineUser[]> {
    if (!this.relay || !this.linkUp) return []
    try {
      return await relayOnlineUsers(this.relay.currentBase, this.config.collabCa, this.names)
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not fetch online users')
      return []
    }
  }

  friends(): Promise<Friend[]> {
    return listFriends(this.ctx)
  }
}
