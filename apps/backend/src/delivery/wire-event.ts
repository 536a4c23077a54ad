import type { DomainEventType, SendFrame } from '@pp/contracts'
import { contextFrom, inSpan, SpanKind, traceparentOf } from '@pp/telemetry'
import type { KeyRing } from '../crypto/keyring.js'
import type { Db } from '../db/client.js'
import { activityOf } from '../domain/activity.js'
import { toIdea } from '../domain/mappers.js'
import { signedThread } from '../domain/signed-thread.js'
import type { Outbox } from '../generated/prisma/client.js'
import { traceOf } from './traces.js'

/**
 * A row's event body, one per event (sealed for each recipient in turn). A `position_shared` leaves
 * with the idea, its thread and its history as they are when it is sent, not when it was written: a comment or
 * update fanned out after the share was written can reach a sharee first (a retry after a lost frame,
 * a parked row flushed on presence) and is dropped there, since the sharee does not hold the idea
 * (yet, again): the share has to bring it.
 */
export async function eventBody(db: Db, keys: KeyRing, row: Outbox): Promise<string> {
  if (row.type !== 'position_shared' || row.ideaId === null) return row.payload
  const idea = await db.idea.findUnique({ where: { id: row.ideaId } })
  if (idea === null) return row.payload
  const comments = await signedThread(db, keys, idea.id)
  const activity = await activityOf(db, idea.id)
  return JSON.stringify({ type: 'position_shared', idea: toIdea(idea), comments, activity })
}

/**
 * The row's event as the relay carries it: a `hello` as it is, anything else signed and sealed for
 * its recipient; null while the recipient's keys are unknown.
 */
export async function wireEvent(
  keys: KeyRing,
  row: Outbox,
  json: string,
): Promise<SendFrame['event'] | null> {
  if (row.type === 'hello') return JSON.parse(row.payload) as SendFrame['event']
  const pinned = await keys.sealingKeys(row.recipientId)
  if (pinned === null) return null
  return keys.sealer.sealJson(
    { id: row.recipientId, keys: pinned },
    row.eventId,
    row.type as DomainEventType,
    json,
  )
}

/** The trace the event was written in, carried on with a span of its own for this send. */
export function sendTraceparent(row: Outbox): string | undefined {
  const written = traceOf(row.eventId)
  if (written === undefined) return undefined
  return inSpan(
    `send ${row.type}`,
    { kind: SpanKind.PRODUCER, parent: contextFrom(written), attributes: { 'pp.event.id': row.eventId } },
    () => traceparentOf(),
  )
}
