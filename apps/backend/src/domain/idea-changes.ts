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
