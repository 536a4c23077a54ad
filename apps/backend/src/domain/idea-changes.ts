import { type ActivityChange, type IdeaStatus, PRICE_FIELDS } from '@pp/contracts'
import { parseTags } from './mappers.js'

/** The fields of a stored idea a sharee is told about when they change. */
interface Watched {
  symbol: string
  status: string
  tags: string
}

/**
 * What a sharee reads when the owner changes a shared idea's status or tags, e.g.
 * "User A changed AAPL: status Planned → Watching, added bullish, removed short-term"; null when
 * neither changed (a notes edit alone notifies nobody).
 */
export function ideaChangeText(owner: string, before: Watched, after: Watched): string | null {
  const parts: string[] = []
  if (before.status !== after.status) parts.push(`status ${before.status} → ${after.status}`)
  const was = parseTags(before.tags)
  const now = parseTags(after.tags)
  const added = now.filter((t) => !was.includes(t))
  const removed = was.filter((t) => !now.includes(t))
  if (added.length > 0) parts.push(`added ${added.join(', ')}`)
  if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`)
  return parts.length === 0 ? null : `${owner} changed ${after.symbol}: ${parts.join('; ')}`
}

/** The stored fields a history entry compares. */
interface Recorded extends Watched {
  notes: string
  entryPrice: number | null
  targetPrice: number | null
  stopPrice: number | null
  legs: string
}

/** What changed between two versions of an idea, as its history records it. */
export function ideaChanges(before: Recorded, after: Recorded): ActivityChange[] {
  const out: ActivityChange[] = []
  if (before.status !== after.status) {
    out.push({ kind: 'status', from: before.status as IdeaStatus, to: after.status as IdeaStatus })
  }
  const was = parseTags(before.tags)
  const now = parseTags(after.tags)
  const added = now.filter((t) => !was.includes(t))
  const removed = was.filter((t) => !now.includes(t))
  if (added.length > 0 || removed.length > 0) out.push({ kind: 'tags', added, removed })
  if (before.notes !== after.notes) out.push({ kind: 'notes' })
  for (const field of PRICE_FIELDS) {
    if (before[field] !== after[field])
      out.push({ kind: 'price', field, from: before[field], to: after[field] })
  }
  if (before.legs !== after.legs) {
    out.push({ kind: 'legs', from: legCount(before.legs), to: legCount(after.legs) })
  }
  return out
}

function legCount(json: string): number {
  const v: unknown = JSON.parse(json)
  return Array.isArray(v) ? v.length : 0
}
