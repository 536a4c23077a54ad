import type { Notification } from '@pp/contracts'
import type { StateCreator } from 'zustand'
import type { AppState, NotificationsSlice } from '../types'

const newestFirst = (a: Notification, b: Notification) =>
  Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1)

export const createNotificationsSlice: StateCreator<AppState, [], [], NotificationsSlice> = (set) => ({
  notifications: [],
  setNotifications: (list) => set({ notifications: [...list].sort(newestFirst) }),
  addNotification: (n) =>
    set((s) => ({ notifications: [n, ...s.notifications.filter((x) => x.id !== n.id)].sort(newestFirst) })),
  markNotificationsRead: (ids, at) =>
    set((s) => ({
      notifications: s.notifications.map((n) => (ids.includes(n.id) && !n.readAt ? { ...n, readAt: at } : n)),
    })),
})
