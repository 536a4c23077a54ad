import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { flushPendingDeletes } from './actions/delete-idea'
import { applyPlace, placeFromHash } from './actions/place'
import { start } from './actions/start'
import { App } from './components/app'
import { liveOrigin, resolveApiUrl } from './config'
import { useStore } from './store/store'
import { createLiveSocket } from './transport/live-socket'
import { createRestApi } from './transport/rest-client'
import { signInFromLocation } from './transport/sign-in'
import './styles.css'

const apiUrl = resolveApiUrl(
  {
    VITE_API_URL: import.meta.env.VITE_API_URL,
    REACT_APP_API_URL: import.meta.env.REACT_APP_API_URL,
    DEV: import.meta.env.DEV,
  },
  window.location.origin,
)
const live = createLiveSocket(liveOrigin(apiUrl), (event, message) => {
  console.warn(`Ignored a malformed ${event} event: ${message}`)
})
const firstPlace = placeFromHash(window.location.hash)
if (firstPlace) applyPlace(firstPlace)
// Leaving the page ends every Undo of a delete: the deletes waiting are sent before it goes.
window.addEventListener('pagehide', flushPendingDeletes)
// A sign-in link (`/?code=…`) sets the session cookie first; the code leaves the address bar either way.
void signInFromLocation(apiUrl).then((problem) => {
  if (problem !== null) useStore.getState().setSignIn(true, problem)
  return start({ api: createRestApi(apiUrl), live })
})

const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App apiUrl={apiUrl} />
    </StrictMode>,
  )
}
