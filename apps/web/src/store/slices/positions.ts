import type { StateCreator } from 'zustand'
import type { AppState, PositionsSlice } from '../types'

export const createPositionsSlice: StateCreator<AppState, [], [], PositionsSlice> = (set) => ({
  positions: [],
  setPositions: (positions) => set({ positions }),
})
