import type { Friend, Notification } from '@pp/contracts'
import { useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { loadComments } from '../actions/comments'
import { acceptFriend } from '../actions/friends'
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

/** One row of the panel: every notification about one idea together (newest first), or one on its own. */
export interface NotificationGroup {
  key: string
  ideaId?: string
  items: Notification[]
  unread: number
}

/** Groups notifications per idea, in the order of each group's newest one (the list comes newest first). */
export function groupNotifications(list: readonly Notification[]): NotificationGroup[] {
  const groups = new Map<string, NotificationGroup>()
  for (const n of list) {
    const key = n.ideaId ?? n.id
    const g = groups.get(key) ?? { key, ...(n.ideaId ? { ideaId: n.ideaId } : {}), items: [], unread: 0 }
    g.items.push(n)
    if (!n.readAt) g.unread += 1
    groups.set(key, g)
  }
  return [...groups.values()]
}

const PREVIEW_CHARS = 120

function NotificationsPanel({ onClose }: { onClose: () => void }) {
  const notifications = useStore((s) => s.notifications)
  const load = useStore((s) => s.loads.notifications)
  const unread = useStore(selectUnreadCount)
  const panel = useRef<HTMLDivElement>(null)
  const groups = groupNotifications(notifications)
  useEffect(() => panel.current?.focus(), [])
  // The previews need each commented idea's thread: read the ones not here yet.
  const commented = groups
    .filter((g) => g.ideaId && g.items.some((n) => n.kind === 'comment_added'))
    .map((g) => g.ideaId ?? '')
    .join(',')
  useEffect(() => {
    const have = useStore.getState().comments
    for (const id of commented.split(',')) if (id && !have[id]) void loadComments(id)
  }, [commented])
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
          {groups.map((g) => (
            <GroupRow key={g.key} group={g} onClose={onClose} />
          ))}
        </ul>
      )}
    </div>
  )
}

function GroupRow({ group, onClose }: { group: NotificationGroup; onClose: () => void }) {
  const newest = group.items[0]
  const preview = useStore((s) => {
    if (!group.ideaId || !group.items.some((n) => n.kind === 'comment_added')) return null
    const thread = s.comments[group.ideaId]
    return thread?.[thread.length - 1] ?? null
  })
  const request = useStore(
    useShallow((s) => (newest?.kind === 'friend_request' ? requestFor(s.friends, newest.text) : null)),
  )
  if (!newest) return null
  const unreadIds = group.items.filter((n) => !n.readAt).map((n) => n.id)
  const more = group.items.length - 1
  return (
    <li className={group.unread > 0 ? 'unread' : 'read'}>
      <button
        type="button"
        className="notification-item"
        onClick={() => {
          void markRead(unreadIds)
          if (group.ideaId && openIdea(group.ideaId)) onClose()
        }}
      >
        {group.unread > 0 && <span className="unread-dot" aria-label="unread" role="img" />}
        <span className="notification-body">
          <span className="notification-text">{newest.text}</span>
          {preview && (
            <span className="notification-preview">
              {preview.author.displayName}: “
              {preview.body.length > PREVIEW_CHARS
                ? `${preview.body.slice(0, PREVIEW_CHARS)}…`
                : preview.body}
              ”
            </span>
          )}
          {more > 0 && (
            <span className="muted small">
              {group.unread > 1 ? `${group.unread} new` : `and ${more} earlier`}
            </span>
          )}
        </span>
        <span className="muted small">{formatAgo(newest.createdAt)}</span>
      </button>
      {request && (
        <button
          type="button"
          className="button button-primary notification-accept"
          onClick={() => {
            void markRead(unreadIds)
            void acceptFriend(request.id)
          }}
        >
          Accept {request.displayName}
        </button>
      )}
    </li>
  )
}

/** The friend request a "User C sent you a friend request" notification is about, while it is still open. */
function requestFor(friends: readonly Friend[], text: string): Friend | null {
  return friends.find((f) => f.status === 'incoming' && text.startsWith(`${f.displayName} `)) ?? null
}
