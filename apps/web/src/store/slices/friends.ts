import type { StateCreator } from 'zustand'
import type { AppState, FriendsSlice } from '../types'

export const createFriendsSlice: StateCreator<AppState, [], [], FriendsSlice> = (set) => ({
  friends: [],
  onlineUsers: [],
  setFriends: (friends) => set({ friends }),
  setOnlineUsers: (onlineUsers) => set({ onlineUsers }),
  applyPresence: (user, online) =>
    set((s) => {
      const friends = s.friends.map((f) => (f.id === user.id ? { ...f, online } : f))
      const others = s.onlineUsers.filter((u) => u.id !== user.id)
      const onlineUsers = online ? [...others, user] : others
      return { friends, onlineUsers }
    }),
})
