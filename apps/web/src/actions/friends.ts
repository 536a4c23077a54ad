import { useStore } from '../store/store'
import { transport } from '../transport/current'
import { errorText } from './errors'
import { loadFriends } from './load'

export async function requestFriend(userId: string): Promise<void> {
  try {
    await transport().api.requestFriend(userId)
    await loadFriends()
  } catch (err) {
    useStore.getState().pushToast(`Could not send the request: ${errorText(err)}`, 'error')
  }
}

export async function acceptFriend(userId: string): Promise<void> {
  try {
    await transport().api.acceptFriend(userId)
    await loadFriends()
  } catch (err) {
    useStore.getState().pushToast(`Could not accept: ${errorText(err)}`, 'error')
  }
}

/** The user compared the new safety number out of band and trusts the friend's new keys. */
export async function acceptFriendKey(userId: string): Promise<void> {
  try {
    await transport().api.acceptFriendKey(userId)
    await loadFriends()
  } catch (err) {
    useStore.getState().pushToast(`Could not accept the new key: ${errorText(err)}`, 'error')
  }
}
