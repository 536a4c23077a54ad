import { z } from 'zod'
import { OptionLegs, Price } from './trade-plan.js'

/** Any 8-4-4-4-12 hex id. User ids such as 00000000-0000-0000-0000-000000000001 carry no RFC version, so z.uuid() would refuse them. */
export const Id = z.guid({ message: 'must be a uuid (8-4-4-4-12 hex)' })
export type Id = z.infer<typeof Id>

export const IsoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' })

export const UserRef = z.strictObject({
  id: Id,
  displayName: z.string().trim().min(1).max(100),
})
export type UserRef = z.infer<typeof UserRef>

export const IDEA_STATUSES = ['Planned', 'Watching', 'Open', 'Closed'] as const
export const IdeaStatus = z.enum(IDEA_STATUSES)
export type IdeaStatus = z.infer<typeof IdeaStatus>

export const STRATEGIES = [
  'Covered Call',
  'Cash-Secured Put',
  'Long Call',
  'Long Put',
  'Vertical Spread',
  'Iron Condor',
  'Stock',
] as const
export const Strategy = z.enum(STRATEGIES)
export type Strategy = z.infer<typeof Strategy>

/** A ticker: trimmed and upper-cased, 1–10 of A–Z, 0–9, '.', '-', starting with a letter. */
export const Ticker = z
  .string()
  .trim()
  .toUpperCase()
  .regex(
    /^[A-Z][A-Z0-9.-]{0,9}$/,
    'must be a ticker: 1-10 letters, digits, "." or "-", starting with a letter',
  )
  .meta({
    description:
      'a ticker, trimmed and upper-cased: 1-10 letters, digits, "." or "-", starting with a letter',
  })

/** Trimmed, then 1–32 characters; the document says so (`pattern`: something besides spaces). */
export const Tag = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(32)
  .meta({ pattern: '\\S', description: 'trimmed; 1-32 characters, not only spaces' })
export const Tags = z.array(Tag).max(20)
export const Notes = z.string().max(5000)
export const CommentBody = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(5000)
  .meta({ pattern: '\\S', description: 'trimmed; 1-5000 characters, not only spaces' })

/** An idea snapshot, as REST answers it and as events carry it. */
export const Idea = z.strictObject({
  id: Id,
  owner: UserRef,
  symbol: Ticker,
  strategy: Strategy,
  status: IdeaStatus,
  tags: Tags,
  notes: Notes,
  /** Absent on snapshots from a backend that predates prices and legs: none set. */
  entryPrice: Price.nullable().default(null).describe('entry price in dollars; null: not set'),
  targetPrice: Price.nullable().default(null).describe('target price in dollars; null: not set'),
  stopPrice: Price.nullable().default(null).describe('stop price in dollars; null: not set'),
  legs: OptionLegs.default([]),
  version: z.number().int().min(1),
  createdAt: IsoTime,
  updatedAt: IsoTime,
})
export type Idea = z.infer<typeof Idea>

export const Comment = z.strictObject({
  id: Id,
  ideaId: Id,
  author: UserRef,
  body: CommentBody,
  createdAt: IsoTime,
})
export type Comment = z.infer<typeof Comment>
