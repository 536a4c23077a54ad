import type { StateCreator } from 'zustand'
import type { AppState, TypingEntry, TypingSlice } from '../types'

type ByIdea = Record<string, Record<string, TypingEntry>>

function without(map: ByIdea, ideaId: string, userId: string): ByIdea | null {
  const forIdea = map[ideaId]
  if (!forIdea?.[userId]) return null
  const { [userId]: _gone, ...rest } = forIdea
  return { ...map, [ideaId]: rest }
}

/** Who is typing on, and who is viewing, each idea's thread (others only; both expire). */
export const createTypingSlice: StateCreator<AppState, [], [], TypingSlice> = (set) => ({
  typing: {},
  viewing: {},
  setTyping: (ideaId, user, until) =>
    set((s) => ({ typing: { ...s.typing, [ideaId]: { ...s.typing[ideaId], [user.id]: { user, until } } } })),
  clearTyping: (ideaId, userId) =>
    set((s) => {
      const typing = without(s.typing, ideaId, userId)
      return typing ? { typing } : s
    }),
  setViewing: (ideaId, user, until) =>
    set((s) => ({
      viewing: { ...s.viewing, [ideaId]: { ...s.viewing[ideaId], [user.id]: { user, until } } },
    })),
  clearViewing: (ideaId, userId) =>
    set((s) => {
      const viewing = without(s.viewing, ideaId, userId)
      return viewing ? { viewing } : s
    }),
})
