import type { StateCreator } from 'zustand'
import type { AppState, ConnectionSlice } from '../types'

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  socketConnected: false,
  collab: null,
  setSocketConnected: (socketConnected) => set({ socketConnected }),
  setCollab: (collab) => set({ collab }),
})
