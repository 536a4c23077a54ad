import { useEffect } from 'react'
import { loadAll } from '../actions/load'
import { applyPlace, hashOf, placeFromHash } from '../actions/place'
import { useStore } from '../store/store'
import { Collaboration } from './collaboration'
import { Dashboard } from './dashboard'
import { Friends } from './friends'
import { Header } from './header'
import { OfflineBanner, ProtocolBanner } from './offline-banner'
import { SignInRequired } from './sign-in-required'
import { Toasts } from './toasts'

/**
 * Keeps the place (page, Collaboration tab, open cards) in the URL hash so a reload, a bookmark or Back
 * returns there (the first place is read in main).
 */
function usePlaceInUrl() {
  const hash = useStore((s) =>
    hashOf({ page: s.page, tab: s.collabTab, open: Object.keys(s.expanded).filter((id) => s.expanded[id]) }),
  )
  useEffect(() => {
    const onHash = () => {
      const place = placeFromHash(window.location.hash)
      if (place) applyPlace(place)
    }
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])
  useEffect(() => {
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash)
  }, [hash])
}

export function App({ apiUrl }: { apiUrl: string }) {
  usePlaceInUrl()
  const page = useStore((s) => s.page)
  const meLoad = useStore((s) => s.loads.me)
  const me = useStore((s) => s.me)
  const signInRequired = useStore((s) => s.signInRequired)

  let content: React.ReactNode
  if (signInRequired) content = <SignInRequired />
  else if (!me && meLoad.status === 'error') {
    content = (
      <div className="page">
        <div className="error-box" role="alert">
          <h1>Cannot reach your backend</h1>
          <p>
            {meLoad.error}. Tried <code>{apiUrl}</code>; the page connects again by itself when it answers.
          </p>
          <button type="button" className="button button-primary" onClick={() => void loadAll()}>
            Retry
          </button>
        </div>
      </div>
    )
  } else if (!me) {
    content = (
      <div className="page">
        <p className="muted loading-line" aria-busy="true">
          Loading…
        </p>
      </div>
    )
  } else if (page === 'dashboard') content = <Dashboard />
  else if (page === 'collaboration') content = <Collaboration />
  else content = <Friends />

  return (
    <>
      <Header />
      <OfflineBanner />
      <ProtocolBanner />
      <main className="main">{content}</main>
      <Toasts />
    </>
  )
}
