import type { UserRef } from '@pp/contracts'
import { useShallow } from 'zustand/react/shallow'
import { useStore } from '../store/store'

/** "User B" → "UB", "alice smith" → "AS", "Zed" → "ZE". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const first = words[0] ?? '?'
  const letters =
    words.length > 1 ? `${first[0] ?? ''}${words[words.length - 1]?.[0] ?? ''}` : first.slice(0, 2)
  return letters.toUpperCase()
}

/** A stable hue per user, so the same friend has the same colour everywhere. */
function hue(id: string): number {
  let h = 0
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360
  return h
}

/** One round avatar: initials (or "You"), named for screen readers and on hover by `label`. */
export function Avatar({
  user,
  label,
  you,
  active,
}: {
  user: UserRef
  label: string
  you?: boolean
  active?: boolean
}) {
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      className={`avatar${you ? ' avatar-you' : ''}${active ? ' avatar-active' : ''}`}
      style={you ? undefined : { background: `hsl(${hue(user.id)} 55% 28%)` }}
    >
      {you ? 'You' : initials(user.displayName)}
    </span>
  )
}

/** Who is in an idea's thread right now: me when I have it open, and each friend viewing or typing there. */
export function ThreadPresence({ ideaId, open }: { ideaId: string; open: boolean }) {
  const me = useStore((s) => s.me)
  const others = useStore(
    useShallow((s) => {
      const ids = new Set([...Object.keys(s.viewing[ideaId] ?? {}), ...Object.keys(s.typing[ideaId] ?? {})])
      return [...ids].sort()
    }),
  )
  const viewing = useStore((s) => s.viewing[ideaId])
  const typing = useStore((s) => s.typing[ideaId])
  if (others.length === 0 && !(open && me)) return null
  return (
    <ul className="avatars" aria-label="In this thread">
      {open && me && (
        <li>
          <Avatar user={me} label="You, viewing" you />
        </li>
      )}
      {others.map((id) => {
        const user = typing?.[id]?.user ?? viewing?.[id]?.user
        if (!user) return null
        const isTyping = typing?.[id] !== undefined
        return (
          <li key={id}>
            <Avatar
              user={user}
              label={`${user.displayName}, ${isTyping ? 'typing' : 'viewing'}`}
              active={isTyping}
            />
          </li>
        )
      })}
    </ul>
  )
}

/** The header's row: me ("You") and every friend online now (only while that is known). */
export function OnlineNow() {
  const me = useStore((s) => s.me)
  const known = useStore((s) => s.socketConnected && s.collab?.connected === true)
  const friends = useStore(useShallow((s) => s.friends.filter((f) => f.status === 'accepted' && f.online)))
  if (!me) return null
  return (
    <ul className="avatars" aria-label="Online now">
      <li>
        <Avatar user={me} label={`You (${me.displayName})`} you />
      </li>
      {known &&
        friends.map((f) => (
          <li key={f.id}>
            <Avatar user={f} label={`${f.displayName}, online`} />
          </li>
        ))}
    </ul>
  )
}
