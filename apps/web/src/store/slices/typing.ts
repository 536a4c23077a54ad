import type { StateCreator } from 'zustand'
import type { AppState, TypingSlice } from '../types'

export const createTypingSlice: StateCreator<AppState, [], [], TypingSlice> = (set) => ({
  typing: {},
  setTyping: (ideaId, user, until) =>
    set((s) => ({ typing: { ...s.typing, [ideaId]: { ...s.typing[ideaId], [user.id]: { user, until } } } })),
  clearTyping: (ideaId, userId) =>
    set((s) => {
      const forIdea = s.typing[ideaId]
      if (!forIdea?.[userId]) return s
      const { [userId]: _gone, ...rest } = forIdea
      return { typing: { ...s.typing, [ideaId]: rest } }
    }),
})
