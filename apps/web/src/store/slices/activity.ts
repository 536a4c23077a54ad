import type { ActivityEntry } from '@pp/contracts'
import type { StateCreator } from 'zustand'
import type { ActivitySlice, AppState } from '../types'

/** History order: by time, then by id, the same on every side. */
export function compareActivity(a: ActivityEntry, b: ActivityEntry): number {
  const ta = Date.parse(a.createdAt)
  const tb = Date.parse(b.createdAt)
  if (ta !== tb) return ta - tb
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function merge(held: readonly ActivityEntry[], incoming: readonly ActivityEntry[]): ActivityEntry[] {
  const byId = new Map(held.map((e) => [e.id, e]))
  for (const e of incoming) byId.set(e.id, e)
  return [...byId.values()].sort(compareActivity)
}

export const createActivitySlice: StateCreator<AppState, [], [], ActivitySlice> = (set) => ({
  activity: {},
  addActivity: (entry) =>
    set((s) => ({
      activity: { ...s.activity, [entry.ideaId]: merge(s.activity[entry.ideaId] ?? [], [entry]) },
    })),
  mergeActivity: (ideaId, list) =>
    set((s) => ({ activity: { ...s.activity, [ideaId]: merge(s.activity[ideaId] ?? [], list) } })),
})
