import { useEffect } from 'react'
import { loadAll } from '../actions/load'
import { useStore } from '../store/store'
import { PAGES, type Page } from '../store/types'
import { Collaboration } from './collaboration'
import { Dashboard } from './dashboard'
import { Friends } from './friends'
import { Header } from './header'
import { OfflineBanner, ProtocolBanner } from './offline-banner'
import { SignInRequired } from './sign-in-required'
import { Toasts } from './toasts'

export function pageFromHash(hash: string): Page | null {
  const name = hash.replace(/^#\/?/, '')
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : null
}

/** Keeps the page in the URL hash so a reload stays where the user was (the first page is read in main). */
function useHashPage() {
  const page = useStore((s) => s.page)
  const setPage = useStore((s) => s.setPage)
  useEffect(() => {
    const onHash = () => {
      const p = pageFromHash(window.location.hash)
      if (p) setPage(p)
    }
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [setPage])
  useEffect(() => {
    if (pageFromHash(window.location.hash) !== page) window.history.replaceState(null, '', `#/${page}`)
  }, [page])
}

export function App({ apiUrl }: { apiUrl: string }) {
  useHashPage()
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
