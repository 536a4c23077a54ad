import { selectConnection } from '../store/selectors'
import { useStore } from '../store/store'

/** `Live` when browser ↔ backend and backend ↔ relay are both up; the tooltip names the link that is down. */
export function ConnectionBadge() {
  const live = useStore((s) => selectConnection(s).live)
  const reason = useStore((s) => selectConnection(s).reason)
  return (
    <span
      data-testid="connection-badge"
      className={`badge ${live ? 'badge-live' : 'badge-offline'}`}
      title={reason}
    >
      {live ? 'Live' : 'Offline'}
    </span>
  )
}
