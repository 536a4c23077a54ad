import type { StateCreator } from 'zustand'
import type { AppState, IdeasSlice } from '../types'

export const createIdeasSlice: StateCreator<AppState, [], [], IdeasSlice> = (set) => ({
  ideas: {},
  expanded: {},
  shares: {},
  setIdeas: (list, readOnly) =>
    set((s) => {
      const ideas = Object.fromEntries(Object.entries(s.ideas).filter(([, i]) => i.readOnly !== readOnly))
      for (const idea of list) ideas[idea.id] = idea
      return { ideas }
    }),
  upsertIdea: (idea, force = false) =>
    set((s) => {
      const held = s.ideas[idea.id]
      if (held && !force && held.version > idea.version) return s
      return { ideas: { ...s.ideas, [idea.id]: idea } }
    }),
  removeIdea: (ideaId) =>
    set((s) => {
      if (!s.ideas[ideaId]) return s
      const { [ideaId]: _gone, ...ideas } = s.ideas
      const { [ideaId]: _open, ...expanded } = s.expanded
      const { [ideaId]: _shares, ...shares } = s.shares
      const { [ideaId]: _comments, ...comments } = s.comments
      return { ideas, expanded, shares, comments }
    }),
  setExpanded: (ideaId, open) => set((s) => ({ expanded: { ...s.expanded, [ideaId]: open } })),
  setAllShares: (lists) => set({ shares: Object.fromEntries(lists.map((l) => [l.ideaId, [...l.userIds]])) }),
  setShares: (ideaId, userIds) => set((s) => ({ shares: { ...s.shares, [ideaId]: [...userIds] } })),
})
