import type { StateCreator } from 'zustand'
import type { AppState, Load, LoadKey, SessionSlice } from '../types'

const idle: Load = { status: 'idle', error: null }

export const initialLoads = (): Record<LoadKey, Load> => ({
  me: idle,
  positions: idle,
  ideas: idle,
  shared: idle,
  friends: idle,
  onlineUsers: idle,
  notifications: idle,
})

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  me: null,
  page: 'dashboard',
  collabTab: 'mine',
  loads: initialLoads(),
  signInRequired: false,
  signInProblem: null,
  setSignIn: (signInRequired, problem) =>
    set((s) => ({ signInRequired, signInProblem: problem === undefined ? s.signInProblem : problem })),
  setMe: (me) => set({ me }),
  setPage: (page) => set({ page }),
  setCollabTab: (collabTab) => set({ collabTab }),
  setLoad: (key, status, error = null) => set((s) => ({ loads: { ...s.loads, [key]: { status, error } } })),
})
