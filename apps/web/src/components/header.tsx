import { useStore } from '../store/store'
import type { Page } from '../store/types'
import { OnlineNow } from './avatars'
import { ConnectionBadge } from './connection-badge'
import { NotificationsBell } from './notifications'

const NAV: { page: Page; label: string }[] = [
  { page: 'dashboard', label: 'Dashboard' },
  { page: 'collaboration', label: 'Collaboration' },
  { page: 'friends', label: 'Friends' },
]

export function Header() {
  const me = useStore((s) => s.me)
  const page = useStore((s) => s.page)
  const setPage = useStore((s) => s.setPage)
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Portfolio Planner
        </span>
        <nav aria-label="Main" className="main-nav">
          {NAV.map((n) => (
            <button
              key={n.page}
              type="button"
              className="nav-button"
              aria-current={page === n.page ? 'page' : undefined}
              onClick={() => setPage(n.page)}
            >
              {n.label}
            </button>
          ))}
        </nav>
        <div className="topbar-right">
          <NotificationsBell />
          <OnlineNow />
          <span className="user-name" data-testid="user-name">
            {me?.displayName ?? ''}
          </span>
          <ConnectionBadge />
        </div>
      </div>
    </header>
  )
}
