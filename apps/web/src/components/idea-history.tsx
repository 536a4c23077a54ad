import type { ActivityChange, ActivityEntry } from '@pp/contracts'
import { formatAgo, formatMoney } from '../format'
import { useStore } from '../store/store'

const NONE: ActivityEntry[] = []

const PRICE_NAMES = { entryPrice: 'entry', targetPrice: 'target', stopPrice: 'stop' } as const

const names = (users: readonly { displayName: string }[]) => users.map((u) => u.displayName).join(', ')
const price = (n: number | null) => (n === null ? 'none' : formatMoney(n))
const legs = (n: number) => (n === 1 ? '1 leg' : `${n} legs`)

/** One change in words a trader reads, e.g. "status Planned → Open". */
export function changeText(c: ActivityChange): string {
  switch (c.kind) {
    case 'created':
      return 'created the idea'
    case 'status':
      return `changed status ${c.from} → ${c.to}`
    case 'tags': {
      const parts: string[] = []
      if (c.added.length > 0) parts.push(`added tag${c.added.length > 1 ? 's' : ''} ${c.added.join(', ')}`)
      if (c.removed.length > 0)
        parts.push(`removed tag${c.removed.length > 1 ? 's' : ''} ${c.removed.join(', ')}`)
      return parts.join(', ')
    }
    case 'notes':
      return 'edited the notes'
    case 'price':
      return `changed the ${PRICE_NAMES[c.field]} price ${price(c.from)} → ${price(c.to)}`
    case 'legs':
      return `changed the option legs (${legs(c.from)} → ${legs(c.to)})`
    case 'shared':
      return `shared it with ${names(c.users)}`
    case 'unshared':
      return `stopped sharing it with ${names(c.users)}`
  }
}

/** Who changed what and when, oldest first, the same on every side. */
export function IdeaHistory({ ideaId }: { ideaId: string }) {
  const entries = useStore((s) => s.activity[ideaId] ?? NONE)
  const meId = useStore((s) => s.me?.id)
  return (
    <section className="history" aria-label="History">
      <h3 className="section-title">History</h3>
      {entries.length === 0 ? (
        <p className="muted small">No changes yet.</p>
      ) : (
        <ol className="history-list">
          {entries.map((e) => (
            <li key={e.id}>
              <span className="history-who">{e.actor.id === meId ? 'You' : e.actor.displayName}</span>{' '}
              {e.changes.map(changeText).join('; ')}{' '}
              <time className="muted small" dateTime={e.createdAt}>
                {formatAgo(e.createdAt)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
