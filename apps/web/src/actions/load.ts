import { useStore } from '../store/store'
import type { LoadKey } from '../store/types'
import { transport } from '../transport/current'
import { ApiError } from '../transport/types'
import { errorText } from './errors'
import { withoutPendingDeletes } from './pending-deletes'

/** Runs one REST read, tracking its loading/error state under `key`. */
async function track<T>(key: LoadKey, read: () => Promise<T>, apply: (value: T) => void): Promise<boolean> {
  const { setLoad, setSignIn } = useStore.getState()
  setLoad(key, 'loading')
  try {
    apply(await read())
    setLoad(key, 'ready')
    if (useStore.getState().signInRequired) setSignIn(false, null)
    return true
  } catch (err) {
    setLoad(key, 'error', errorText(err))
    if (err instanceof ApiError && err.status === 401) setSignIn(true)
    return false
  }
}

export const loadMe = () => track('me', () => transport().api.me(), useStore.getState().setMe)
export const loadPositions = () =>
  track('positions', () => transport().api.positions(), useStore.getState().setPositions)
/** My ideas, with who each is shared with (shown on the card before it is opened). */
export const loadIdeas = () =>
  track(
    'ideas',
    () => Promise.all([transport().api.ideas(), transport().api.allShares()]),
    ([list, shares]) => {
      useStore.getState().setIdeas(withoutPendingDeletes(list), false)
      useStore.getState().setAllShares(shares)
    },
  )
export const loadShared = () =>
  track(
    'shared',
    () => transport().api.shared(),
    (list) => useStore.getState().setIdeas(list, true),
  )
export const loadFriends = () =>
  track('friends', () => transport().api.friends(), useStore.getState().setFriends)
export const loadOnlineUsers = () =>
  track('onlineUsers', () => transport().api.onlineUsers(), useStore.getState().setOnlineUsers)
export const loadNotifications = () =>
  track('notifications', () => transport().api.notifications(), useStore.getState().setNotifications)

export async function loadCollabStatus(): Promise<void> {
  try {
    useStore.getState().setCollab(await transport().api.collabStatus())
  } catch {
    // The live channel reports the relay link too; a failed read here changes nothing on screen.
  }
}

/** Reads everything a page shows; the Dashboard and Collaboration lists load independently. */
export async function loadAll(): Promise<void> {
  const ok = await loadMe()
  if (!ok) return
  await Promise.all([
    loadPositions(),
    loadIdeas(),
    loadShared(),
    loadFriends(),
    loadOnlineUsers(),
    loadNotifications(),
    loadCollabStatus(),
  ])
}
