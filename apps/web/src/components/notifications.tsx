import { useEffect, useRef, useState } from 'react'
import { openIdea } from '../actions/navigate'
import { markAllRead, markRead } from '../actions/notifications'
import { formatAgo } from '../format'
import { selectUnreadCount } from '../store/selectors'
import { useStore } from '../store/store'

/** The bell with the unread count, and its panel. */
export function NotificationsBell() {
  const unread = useStore(selectUnreadCount)
  const [open, setOpen] = useState(false)
  const wrap = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false)
    }
    const onClick = (e: MouseEvent) => {
      if (wrap.current && e.target instanceof Node && !wrap.current.contains(e.target)) setOpen(false)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('mousedown', onClick)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('mousedown', onClick)
    }
  }, [open])

  const label = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'
  return (
    <div className="bell-wrap" ref={wrap}>
      <button
        type="button"
        className="icon-button bell"
        aria-label={label}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6Zm0 18a2.5 2.5 0 0 0 2.4-2h-4.8A2.5 2.5 0 0 0 12 21Z"
            fill="currentColor"
          />
        </svg>
        {unread > 0 && (
          <span className="bell-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && <NotificationsPanel onClose={() => setOpen(false)} />}
    </div>
  )
}

function NotificationsPanel({ onClose }: { onClose: () => void }) {
  const notifications = useStore((s) => s.notifications)
  const load = useStore((s) => s.loads.notifications)
  const unread = useStore(selectUnreadCount)
  const panel = useRef<HTMLDivElement>(null)
  useEffect(() => panel.current?.focus(), [])
  return (
    <div
      role="dialog"
      aria-label="Notifications"
      className="popover notifications-panel"
      ref={panel}
      tabIndex={-1}
    >
      <div className="popover-head">
        <h2>Notifications</h2>
        <button
          type="button"
          className="link-button"
          onClick={() => void markAllRead()}
          disabled={unread === 0}
        >
          Mark all read
        </button>
      </div>
      {load.status === 'error' && <p className="error-text">Could not load notifications: {load.error}</p>}
      {notifications.length === 0 ? (
        <p className="muted empty">{load.status === 'loading' ? 'Loading…' : 'Nothing new.'}</p>
      ) : (
        <ul className="notification-list">
          {notifications.map((n) => (
            <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
              <button
                type="button"
                className="notification-item"
                onClick={() => {
                  void markRead(n.readAt ? [] : [n.id])
                  if (n.ideaId && openIdea(n.ideaId)) onClose()
                }}
              >
                {!n.readAt && <span className="unread-dot" aria-label="unread" role="img" />}
                <span className="notification-text">{n.text}</span>
                <span className="muted small">{formatAgo(n.createdAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
