import type { Audience } from '@pp/contracts'
import type { Member, SessionRooms } from './rooms.js'
import type { SessionHubOptions, SessionMetricsSink } from './types.js'

/** The counters when the hub is given none (unit tests). */
export const noMetrics: SessionMetricsSink = {
  rateLimited() {},
  connectionOpened() {},
  messageReceived() {},
  messagesSent() {},
  closed() {},
}

/** Sending to a session's members: one of them, all but one, and (scaled out) other nodes' too. */
export function createDelivery(
  rooms: SessionRooms,
  metrics: SessionMetricsSink,
  fanout: SessionHubOptions['fanout'],
) {
  const sendTo = (member: Member, message: object) => {
    member.transport.send(JSON.stringify(message))
    metrics.messagesSent(1)
  }

  const deliver = (sessionId: string, message: object, audience: Audience): number =>
    deliverSerialized(sessionId, JSON.stringify(message), audience)

  /** `deliver` for a message already serialized. */
  const deliverSerialized = (sessionId: string, text: string, audience: Audience): number => {
    const n = deliverText(sessionId, text, audience)
    // Scale-out (REDIS_URL): members on other relay nodes get it too.
    if (fanout !== undefined && !('only' in audience && n === 1)) fanout(sessionId, text, audience)
    return n
  }

  /** Delivers to this node's members only (also what messages from other nodes go through). */
  const deliverText = (sessionId: string, text: string, audience: Audience): number => {
    let n = 0
    if ('only' in audience) {
      const member = rooms.get(sessionId, audience.only)
      if (member !== undefined) {
        member.transport.send(text)
        n = 1
      }
    } else {
      for (const member of rooms.members(sessionId)) {
        if (member.userId === audience.except) continue
        member.transport.send(text)
        n += 1
      }
    }
    metrics.messagesSent(n)
    return n
  }

  return { sendTo, deliver, deliverSerialized, deliverText }
}
