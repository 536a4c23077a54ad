import {
  type CollabStatus,
  type EventFrame,
  type Friend,
  type OnlineUser,
  OnlineUser as OnlineUserSchema,
  parseWith,
  type RelayFrame,
  type ThreadActivity,
  type TypingEvent,
  type UserRef,
} from '@pp/contracts'
import type { OwnKeys } from '@pp/contracts/sealing'
import { contextFrom, inSpan, inTrace, SpanKind, tracingOn } from '@pp/telemetry'
import type { Logger } from 'pino'
import { uuidv7 } from 'uuidv7'
import { z } from 'zod'
import { type Config, relayTokenOf } from './config.js'
import { KeyRing } from './crypto/keyring.js'
import type { Db } from './db/client.js'
import { sqlOf } from './db/sql.js'
import { collabStatus } from './delivery/collab-status.js'
import { Dispatcher } from './delivery/dispatcher.js'
import { RelayClient, relayGetJson } from './delivery/relay-client.js'
import { mintDevRelayToken } from './delivery/token.js'
import type { Ctx } from './domain/context.js'
import type { EffectSink, Effects, LiveEmit } from './domain/effects.js'
import { listFriends, watchedUserIds } from './domain/friends.js'
import { applyInbound, type InboundOutcome } from './domain/inbound.js'
import { askForKeys, type RefusalReason, receive } from './domain/receive.js'
import { GroupCommitter, inTx } from './domain/tx.js'
import { typist } from './domain/typing.js'
import { unknownUserName } from './domain/verified-names.js'
import { eventsReceived, eventsRefused, relayConnects, relayDisconnects } from './metrics.js'

export type LiveSink = { emit(e: LiveEmit): void }

export type DeliveryCounters = Record<InboundOutcome, number>

/** Received events refused before being opened, by reason (each also counted in `refused`). */
export type RefusalCounters = Record<RefusalReason, number>

/** Refusals are logged once per sender, event and reason: a sender retrying does not flood the log. */
const LOGGED_REFUSALS_KEPT = 10_000

/**
 * Ties the domain to the outside: publishes committed effects (browser pushes, dispatch, watch list),
 * runs the relay link and the dispatcher, and applies received events one at a time through the inbox.
 */
export class Hub implements EffectSink {
  readonly ctx: Ctx
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
  private readonly presence = new Map<string, boolean>()
  private readonly names = new Map<string, string>()
  private readonly relay: RelayClient | null
  private readonly dispatcher: Dispatcher
  private linkUp = false
  private since: string | null = null
  private relayUrl: string | null = null
  private inbound: Promise<void> = Promise.resolve()
  /** Received events submitted for applying and not committed yet. */
  private readonly applying = new Set<Promise<void>>()
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
            onUp: ({ relayUrl }) => this.onUp(relayUrl),
            onDown: () => this.onDown(),
            onFrame: (f) => this.onFrame(f),
            // A frame that does not even parse proves nothing about its sender: refused, never acked,
            // so the sender's genuine event, sent again, still arrives.
            onInvalidEvent: (id, fromId, message) =>
              this.refuse({ id, fromId, type: 'unknown' }, 'invalid_frame', message),
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
    )
  }

  attachLive(live: LiveSink): void {
    this.live = live
  }

  /** Names for logs and the online list, from the friend records (the names friends signed). */
  async loadNames(): Promise<void> {
    this.names.set(this.ctx.me.id, this.ctx.me.displayName)
    for (const f of await this.ctx.db.friend.findMany({ select: { userId: true, displayName: true } })) {
      this.names.set(f.userId, f.displayName)
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
    await this.inbound
    await Promise.all(this.applying)
    await this.dispatcher.settle()
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
      for (const f of friends) this.names.set(f.id, f.displayName)
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
    }
  }

  async status(): Promise<CollabStatus> {
    return collabStatus(this.ctx.db, this.linkState(), this.ctx.isOnline, this.names)
  }

  private onUp(relayUrl: string): void {
    relayConnects.inc()
    this.linkUp = true
    this.since = new Date().toISOString()
    this.relayUrl = relayUrl
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
        payload: { user: { id, displayName: this.names.get(id) ?? id }, online: false },
      })
    }
    this.statusChanged()
  }

  private onFrame(frame: Exclude<RelayFrame, { type: 'welcome' }>): void {
    switch (frame.type) {
      case 'presence': {
        // The relay's label names someone only until their own signed name is known.
        if (!this.names.has(frame.user.id)) this.names.set(frame.user.id, frame.user.displayName)
        const user: UserRef = {
          id: frame.user.id,
          displayName: this.names.get(frame.user.id) ?? frame.user.id,
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
        this.enqueueInbound(frame)
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

  // ---- inbound --------------------------------------------------------------------

  /**
   * Received events are opened and applied one at a time, in arrival order; the ack goes after the
   * commit. An event that does not open or verify is refused and (unless its sender is proven) left
   * unacked.
   */
  private enqueueInbound(frame: EventFrame): void {
    this.inbound = this.inbound.then(async () => {
      if (this.stopped) return
      try {
        const received = await receive(this.ctx, frame)
        switch (received.kind) {
          case 'refused':
            this.refuse(
              { id: frame.id, fromId: frame.from.id, type: frame.event.type },
              received.reason,
              received.message,
            )
            if (received.ack) this.relay?.send({ type: 'ack', id: frame.id, to: frame.from.id })
            return
          case 'hello':
            this.counters[received.outcome] += 1
            eventsReceived.inc({ type: 'hello', outcome: received.outcome })
            this.relay?.send({ type: 'ack', id: frame.id, to: frame.from.id })
            return
          case 'typing':
            await this.onTyping(received.from, received.ideaId, received.userId, received.activity)
            return
          case 'event': {
            // Not awaited: the next received event's transaction joins this one's group commit. Each
            // is acked after the commit that holds it; they are applied in arrival order all the same.
            const event = received.event
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
                if (outcome === 'refused')
                  eventsRefused.inc({ type: event.event.type, reason: 'not_allowed' })
                if (outcome !== 'deferred') this.relay?.send({ type: 'ack', id: frame.id, to: frame.from.id })
              })
              .catch((err: unknown) =>
                this.log.error(
                  { err, eventId: frame.id },
                  `applying ${frame.event.type} failed: left unacked`,
                ),
              )
              .finally(() => this.applying.delete(done))
            this.applying.add(done)
            return
          }
        }
      } catch (err) {
        this.log.error({ err, eventId: frame.id }, `applying ${frame.event.type} failed: left unacked`)
      }
    })
  }

  /** Counts a refusal; logs it once per sender, event and reason. */
  private refuse(
    e: { id: string; fromId: string; type: string },
    reason: RefusalReason,
    message: string,
  ): void {
    this.counters.refused += 1
    this.refusals[reason] += 1
    eventsReceived.inc({ type: e.type, outcome: 'refused' })
    eventsRefused.inc({ type: e.type, reason })
    const k = `${e.fromId}|${e.id}|${reason}`
    if (this.loggedRefusals.has(k)) return
    if (this.loggedRefusals.size >= LOGGED_REFUSALS_KEPT) this.loggedRefusals.clear()
    this.loggedRefusals.add(k)
    this.log.warn(
      { eventId: e.id, fromId: e.fromId, reason, message },
      `Refused ${e.type} event from ${this.names.get(e.fromId) ?? e.fromId}: ${message} (not applied)`,
    )
  }

  /** A received `typing` reaches the browser only from the idea's owner or a current sharee. */
  private async onTyping(
    from: UserRef,
    ideaId: string,
    userId?: string,
    activity?: ThreadActivity,
  ): Promise<void> {
    const who = await typist(this.ctx, from.id, ideaId, userId)
    if (who === null) {
      this.log.debug({ ideaId, fromId: from.id }, 'typing from someone not on the idea dropped')
      return
    }
    const name = who === from.id ? from.displayName : (this.names.get(who) ?? unknownUserName(who))
    const act = activity === undefined ? {} : { activity }
    this.live.emit({ name: 'typing', payload: { ideaId, user: { id: who, displayName: name }, ...act } })
    // On my idea, a sharee's typing goes on to the other sharees, who may not know each other.
    if (userId === undefined && who !== this.ctx.me.id) {
      const idea = await this.ctx.db.idea.findUnique({ where: { id: ideaId }, select: { ownerId: true } })
      if (idea?.ownerId === this.ctx.me.id) {
        const others = (await this.ctx.db.share.findMany({ where: { ideaId }, select: { userId: true } }))
          .map((s) => s.userId)
          .filter((u) => u !== who)
        await this.sendSealedTyping(others, { type: 'typing', ideaId, userId: who, ...act })
      }
    }
  }

  /** The browser's `typing`: sent once to the others on the idea, never stored or retried. */
  async sendTyping(ideaId: string, activity?: ThreadActivity): Promise<void> {
    if (!this.relay?.connected) return
    const idea = await this.ctx.db.idea.findUnique({ where: { id: ideaId } })
    if (idea === null) return
    const to =
      idea.ownerId === this.ctx.me.id
        ? (await this.ctx.db.share.findMany({ where: { ideaId }, select: { userId: true } })).map(
            (s) => s.userId,
          )
        : [idea.ownerId]
    await this.sendSealedTyping(to, {
      type: 'typing',
      ideaId,
      ...(activity === undefined ? {} : { activity }),
    })
  }

  /** Typing is sealed like any event, sent once to each recipient whose keys are here. */
  private async sendSealedTyping(to: readonly string[], typing: TypingEvent): Promise<void> {
    if (!this.relay?.connected || to.length === 0) return
    const id = uuidv7()
    for (const userId of to) {
      const keys = await this.ctx.keys.sealingKeys(userId)
      if (keys === null) continue
      const event = this.ctx.keys.sealer.seal({ id: userId, keys }, id, typing)
      this.relay.send({ type: 'send', id, to: [userId], event })
    }
  }

  // ---- relay HTTP ---------------------------------------------------------------------

  /** Users online at the relay this backend is connected to, this user among them (as the relay lists it). */
  async onlineUsers(): Promise<OnlineUser[]> {
    if (!this.relay || !this.linkUp) return []
    try {
      const body = await relayGetJson(
        `${this.relay.currentBase}/api/users/online`,
        this.config.collabCa,
        3000,
      )
      const parsed = parseWith(z.array(z.looseObject({ id: z.string(), displayName: z.string() })), body)
      if (!parsed.ok) throw new Error(parsed.message)
      const users: OnlineUser[] = []
      for (const u of parsed.value) {
        const user = parseWith(OnlineUserSchema, { id: u.id, displayName: u.displayName })
        if (!user.ok) continue
        const known = this.names.get(user.value.id)
        if (known === undefined) this.names.set(user.value.id, user.value.displayName)
        users.push(known === undefined ? user.value : { id: user.value.id, displayName: known })
      }
      return users
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not fetch online users')
      return []
    }
  }

  friends(): Promise<Friend[]> {
    return listFriends(this.ctx)
  }
}
