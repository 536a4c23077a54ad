import type { DomainEvent, HelloEvent, PublicKeys } from '@pp/contracts'
import { uuidv7 } from 'uuidv7'
import { sqlOf } from '../db/sql.js'
import { rememberTrace } from '../delivery/traces.js'
import type { Effects } from './effects.js'
import { insertOutbox } from './store.js'
import type { Tx } from './tx.js'

/** Events that are stored and retried (typing is ephemeral and never enters the outbox). */
export type DurableEvent = Exclude<DomainEvent, { type: 'typing' }>

function ideaIdOf(event: DurableEvent): string | null {
  switch (event.type) {
    case 'position_shared':
    case 'position_updated':
      return event.idea.id
    case 'share_revoked':
    case 'position_deleted':
    case 'comment_rejected':
      return event.ideaId
    case 'comment_added':
      return event.comment.ideaId
    case 'activity_added':
      return event.entry.ideaId
    case 'friend_request':
    case 'friend_accepted':
    case 'friend_removed':
      return null
  }
}

/** Writes one outbox row per recipient for a new event, inside the caller's transaction. */
export async function enqueue(
  tx: Tx,
  fx: Effects,
  recipients: readonly string[],
  event: DurableEvent,
): Promise<string | null> {
  const to = [...new Set(recipients)]
  if (to.length === 0) return null
  const eventId = uuidv7()
  const payload = JSON.stringify(event)
  const now = new Date()
  const ideaId = ideaIdOf(event)
  await insertOutbox(
    sqlOf(tx),
    to.map((recipientId) => ({ eventId, recipientId, type: event.type, ideaId, payload, createdAt: now })),
  )
  fx.outbox = true
  rememberTrace(eventId)
  return eventId
}

/**
 * A `hello` with my public keys for a user whose keys I lack (or who lacks mine): the one event that
 * travels unsealed. `reply` answers theirs, so the exchange stops after one round.
 */
export async function enqueueHello(
  tx: Pick<Tx, 'outbox'>,
  to: string,
  keys: PublicKeys,
  reply: boolean,
): Promise<void> {
  const event: HelloEvent = { type: 'hello', keys, reply }
  const now = new Date()
  await tx.outbox.create({
    data: {
      eventId: uuidv7(),
      recipientId: to,
      type: 'hello',
      payload: JSON.stringify(event),
      createdAt: now,
      nextAttemptAt: now,
    },
  })
}
