import { useShallow } from 'zustand/react/shallow'
import { offlineNotice, protocolNotice } from '../store/selectors'
import { useStore } from '../store/store'

/** While a link is down: which one, that it is reconnecting, and what still works meanwhile. */
export function OfflineBanner() {
  const notice = useStore(useShallow((s) => offlineNotice(s)))
  if (notice === null) return null
  return (
    <section
      className="offline-banner"
      aria-label="Connection"
      aria-live="polite"
      data-testid="offline-banner"
    >
      <strong>{notice.title}</strong> <span>{notice.detail}</span>
    </section>
  )
}

/** This backend and the relay speak different protocol versions: said once, with what to update. */
export function ProtocolBanner() {
  const notice = useStore(useShallow((s) => protocolNotice(s)))
  if (notice === null) return null
  return (
    <section
      className="offline-banner protocol-banner"
      aria-label="Version mismatch"
      data-testid="protocol-banner"
    >
      <strong>{notice.title}</strong> <span>{notice.detail}</span>
    </section>
  )
}
