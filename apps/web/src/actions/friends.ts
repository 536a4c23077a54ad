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
