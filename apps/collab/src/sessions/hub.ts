import {
  type Audience,
  CloseCode,
  CloseReason,
  SESSION_PROTOCOL_VERSION,
  type SessionError,
  type SessionMemberRef,
} from '@pp/contracts'
import { createDelivery, noMetrics } from './delivery.js'
import { IdleTimers } from './idle.js'
import { classify } from './messages.js'
import { createLocalRooms, type Member, type SessionTransport } from './rooms.js'
import { createRoster } from './roster.js'
import { createSyncCoordinator } from './sync.js'
import type { SessionConnection, SessionHub, SessionHubOptions } from './types.js'

export function createSessionHub(options: SessionHubOptions): SessionHub {
  const rooms = options.rooms ?? createLocalRooms()
  const metrics = options.metrics ?? noMetrics
  const log = options.log
  const now = options.now ?? (() => new Date())
  const { roster, userIds, refOf } = createRoster(rooms, options.remote)
  const { sendTo, deliver, deliverSerialized, deliverText } = createDelivery(rooms, metrics, options.fanout)
  let seq = 0
  let messagesReceived = 0
  let messagesRouted = 0

  /** Connections closed because their user connected again on another node: they leave silently. */
  const movedAway = new WeakSet<Member>()

  const sync = createSyncCoordinator({
    timeoutMs: options.syncTimeoutMs,
    ask(sessionId, candidate, requester) {
      log.debug({ session: sessionId, user: candidate, requester }, 'session sync requested')
      deliver(sessionId, { type: 'sync:request', requester }, { only: candidate })
    },
    exhausted(sessionId, requester) {
      // Only logged: the protocol has no message for it, and an unsolicited frame would surprise a
      // client waiting for its next message. The newcomer keeps its own state.
      log.info({ session: sessionId, requester }, 'session sync unanswered by every member')
    },
  })

  const idle = new IdleTimers(options.idleTimeoutMs, (member, silentMs) => {
    log.info({ session: member.sessionId, user: member.userId, silentMs }, 'session client idle, closing')
    member.transport.close(
      CloseCode.GOING_AWAY,
      `idle timeout: no message for ${Math.round(options.idleTimeoutMs / 1000)} s`,
    )
  })
  const disarmIdle = (member: Member) => idle.disarm(member)

  const leave = (member: Member, code: number) => {
    disarmIdle(member)
    metrics.closed(code)
    if (!rooms.remove(member)) {
      log.debug(
        { session: member.sessionId, user: member.userId, code },
        'replaced session connection closed',
      )
      return
    }
    if (movedAway.has(member)) {
      log.info({ session: member.sessionId, user: member.userId }, 'session user moved to another node')
      return
    }
    options.remote?.announce(refOf(member), false)
    sync.left(member.sessionId, member.userId)
    const users = userIds(member.sessionId)
    log.info(
      { session: member.sessionId, user: member.userId, code, users: users.length },
      'session user left',
    )
    deliver(
      member.sessionId,
      {
        type: 'user:left',
        session_id: member.sessionId,
        user_id: member.userId,
        users,
        timestamp: now().toISOString(),
      },
      { except: member.userId },
    )
  }

  const connect = (sessionId: string, userId: string, transport: SessionTransport): SessionConnection => {
    seq += 1
    const member: Member = { sessionId, userId, connectedAt: now(), seq, transport }
    const replaced = rooms.add(member)
    metrics.connectionOpened()
    if (replaced !== undefined) {
      disarmIdle(replaced)
      sync.left(sessionId, userId)
      log.info({ session: sessionId, user: userId }, 'session connection replaced by a newer one')
      replaced.transport.close(CloseCode.REPLACED, `${CloseReason[CloseCode.REPLACED]} by a newer connection`)
    }
    idle.arm(member)
    options.remote?.announce(refOf(member), true)

    const users = userIds(sessionId)
    sendTo(member, {
      type: 'connection:ack',
      session_id: sessionId,
      user_id: userId,
      users,
      protocol: SESSION_PROTOCOL_VERSION,
      heartbeat_interval_ms: options.heartbeatIntervalMs,
      max_message_bytes: options.maxMessageBytes,
    })
    log.info({ session: sessionId, user: userId, users: users.length }, 'session user joined')
    deliver(
      sessionId,
      { type: 'user:joined', session_id: sessionId, user_id: userId, users, timestamp: now().toISOString() },
      { except: userId },
    )
    const candidates = users.filter((id) => id !== userId)
    sync.start(sessionId, userId, candidates)

    const current = () => rooms.get(sessionId, userId) === member
    const touch = () => idle.touch(member)
    const error = (code: SessionError['code'], message: string) => {
      metrics.messageReceived('error')
      log.debug({ session: sessionId, user: userId, code }, 'session message refused')
      sendTo(member, { type: 'error', code, message })
    }
    /**
     * A message serialized as its recipients get it, which must fit their max_message_bytes too; over the
     * limit, undefined and an error frame to the sender, starting with `refusal`.
     */
    const withinLimit = (message: object, refusal: string): string | undefined => {
      const text = JSON.stringify(message)
      const size = Buffer.byteLength(text)
      if (size <= options.maxMessageBytes) return text
      error(
        'invalid_message',
        `${refusal}: ${size} bytes with user_id and timestamp added (max ${options.maxMessageBytes})`,
      )
      return undefined
    }

    return {
      sessionId,
      userId,
      text(data) {
        touch()
        messagesReceived += 1
        if (!current()) return
        const msg = classify(data)
        switch (msg.kind) {
          case 'ping':
            metrics.messageReceived('ping')
            sendTo(member, { type: 'pong', timestamp: now().toISOString() })
            return
          case 'error':
            error(msg.code, msg.message)
            return
          case 'sync-state': {
            metrics.messageReceived('sync')
            const text = withinLimit(
              {
                type: 'sync:state',
                requester: msg.requester,
                state: msg.state,
                user_id: userId,
                timestamp: now().toISOString(),
              },
              'sync:state too large to forward',
            )
            if (text === undefined) {
              // The requester is not left waiting for it: the next member is asked at once.
              sync.declined(sessionId, userId, msg.requester)
              return
            }
            // A requester on another node: its node holds the sync and checks the answer.
            const remoteRequester =
              options.remote !== undefined &&
              rooms.get(sessionId, msg.requester) === undefined &&
              options.remote.members(sessionId).some((m) => m.userId === msg.requester)
            if (!remoteRequester && !sync.answer(sessionId, userId, msg.requester)) {
              log.debug(
                { session: sessionId, user: userId, requester: msg.requester },
                'unrequested sync:state dropped',
              )
              return
            }
            const n = deliverSerialized(sessionId, text, { only: msg.requester })
            messagesRouted += n
            log.debug(
              { session: sessionId, user: userId, requester: msg.requester },
              'session state forwarded',
            )
            return
          }
          case 'broadcast': {
            const text = withinLimit(
              { ...msg.body, user_id: userId, timestamp: now().toISOString() },
              'message too large to broadcast',
            )
            if (text === undefined) return
            metrics.messageReceived('broadcast')
            const n = deliverSerialized(sessionId, text, { except: userId })
            messagesRouted += n
            log.debug(
              { session: sessionId, user: userId, type: msg.type, recipients: n },
              'session message broadcast',
            )
            return
          }
          default: {
            const unreachable: never = msg
            return unreachable
          }
        }
      },
      binary() {
        touch()
        messagesReceived += 1
        if (!current()) return
        error('invalid_message', 'binary frames are not supported: send JSON as text frames')
      },
      activity() {
        touch()
      },
      closed(code) {
        leave(member, code)
      },
    }
  }

  const remoteText = (sessionId: string, text: string, audience: Audience): number => {
    if ('only' in audience && text.startsWith('{"type":"sync:state"')) {
      const m = JSON.parse(text) as { requester?: unknown; user_id?: unknown }
      if (typeof m.user_id !== 'string' || m.requester !== audience.only) return 0
      if (!sync.answer(sessionId, m.user_id, audience.only)) return 0
    }
    return deliverText(sessionId, text, audience)
  }

  const localMembers = (): SessionMemberRef[] =>
    rooms.sessionIds().flatMap((id) => rooms.members(id).map(refOf))

  /** Tells this node's members of a join or leave on another node that its own node could not. */
  const announceLocally = (ref: SessionMemberRef, type: 'user:joined' | 'user:left') => {
    const users = userIds(ref.sessionId)
    log.info(
      { session: ref.sessionId, user: ref.userId, users: users.length },
      `session ${type} (another node)`,
    )
    deliverText(
      ref.sessionId,
      JSON.stringify({
        type,
        session_id: ref.sessionId,
        user_id: ref.userId,
        users,
        timestamp: now().toISOString(),
      }),
      { except: ref.userId },
    )
  }

  const remoteMember = (ref: SessionMemberRef, joined: boolean, unannounced: boolean) => {
    const here = rooms.get(ref.sessionId, ref.userId)
    if (joined) {
      if (here !== undefined) {
        // The same user connected on another node after connecting here: that connection wins.
        if (here.connectedAt.toISOString() > ref.connectedAt) return
        movedAway.add(here)
        disarmIdle(here)
        sync.left(ref.sessionId, ref.userId)
        log.info({ session: ref.sessionId, user: ref.userId }, 'session connection replaced on another node')
        here.transport.close(CloseCode.REPLACED, `${CloseReason[CloseCode.REPLACED]} by a newer connection`)
        return
      }
      if (unannounced) announceLocally(ref, 'user:joined')
      return
    }
    if (here !== undefined) return // the user is (now) here
    sync.left(ref.sessionId, ref.userId)
    if (unannounced) announceLocally(ref, 'user:left')
  }

  return {
    connect,
    deliver,
    deliverText,
    remoteText,
    localMembers,
    remoteMember,
    isConnected(sessionId, userId) {
      return rooms.get(sessionId, userId) !== undefined
    },
    list() {
      const ids = new Set(rooms.sessionIds())
      for (const m of options.remote?.members() ?? []) ids.add(m.sessionId)
      return [...ids]
        .map((id) => ({
          session_id: id,
          users: roster(id).map((m) => ({ user_id: m.userId, connected_at: m.connectedAt })),
        }))
        .sort((a, b) => a.session_id.localeCompare(b.session_id))
    },
    stats() {
      return {
        sessions: rooms.sessionIds().length,
        connections: rooms.size(),
        messagesReceived,
        messagesRouted,
      }
    },
    closeAll(code, reason) {
      for (const id of rooms.sessionIds()) {
        for (const member of rooms.members(id)) member.transport.close(code, reason)
      }
    },
    openConnections() {
      return rooms.size()
    },
    stop() {
      sync.stop()
      idle.stop()
    },
  }
}
