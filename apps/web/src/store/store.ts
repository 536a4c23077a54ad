import { create } from 'zustand'
import { createActivitySlice } from './slices/activity'
import { createCommentsSlice } from './slices/comments'
import { createConnectionSlice } from './slices/connection'
import { createFriendsSlice } from './slices/friends'
import { createIdeasSlice } from './slices/ideas'
import { createNotificationsSlice } from './slices/notifications'
import { createPositionsSlice } from './slices/positions'
import { createSessionSlice } from './slices/session'
import { createToastsSlice } from './slices/toasts'
import { createTypingSlice } from './slices/typing'
import type { AppState } from './types'

/** The one store, built from slices. Transport code writes through `useStore.getState()` outside React. */
export const useStore = create<AppState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createConnectionSlice(...a),
  ...createPositionsSlice(...a),
  ...createIdeasSlice(...a),
  ...createCommentsSlice(...a),
  ...createActivitySlice(...a),
  ...createTypingSlice(...a),
  ...createFriendsSlice(...a),
  ...createNotificationsSlice(...a),
  ...createToastsSlice(...a),
}))

/** Back to the first state (tests call this between cases). */
export function resetStore(): void {
  useStore.setState(useStore.getInitialState(), true)
}
