import { z } from 'zod'
import { Id, IdeaStatus, IsoTime, Tags, UserRef } from './common.js'
import { MAX_LEGS, PRICE_FIELDS, Price } from './trade-plan.js'

/**
 * An idea's activity history: who changed what and when. The owner writes an entry with every change
 * and sends it to every sharee (`activity_added`), as comments travel; a new sharee gets the history
 * so far with the idea (`position_shared`).
 */

const Users = z.array(UserRef).min(1).max(1000)

export const ActivityChange = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('created') }),
  z.strictObject({ kind: z.literal('status'), from: IdeaStatus, to: IdeaStatus }),
  z.strictObject({ kind: z.literal('tags'), added: Tags, removed: Tags }),
  z.strictObject({ kind: z.literal('notes') }),
  z.strictObject({
    kind: z.literal('price'),
    field: z.enum(PRICE_FIELDS),
    from: Price.nullable(),
    to: Price.nullable(),
  }),
  z.strictObject({
    kind: z.literal('legs'),
    from: z.number().int().min(0).max(MAX_LEGS),
    to: z.number().int().min(0).max(MAX_LEGS),
  }),
  z.strictObject({ kind: z.literal('shared'), users: Users }),
  z.strictObject({ kind: z.literal('unshared'), users: Users }),
])
export type ActivityChange = z.infer<typeof ActivityChange>
export type ActivityKind = ActivityChange['kind']

export const ActivityEntry = z.strictObject({
  id: Id,
  ideaId: Id,
  actor: UserRef,
  changes: z.array(ActivityChange).min(1).max(16),
  createdAt: IsoTime,
})
export type ActivityEntry = z.infer<typeof ActivityEntry>
