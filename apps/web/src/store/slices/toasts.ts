import type { StateCreator } from 'zustand'
import type { AppState, ToastsSlice } from '../types'

/** How long a toast stays on screen. */
export const TOAST_MS = 6000
let nextId = 1

export const createToastsSlice: StateCreator<AppState, [], [], ToastsSlice> = (set, get) => ({
  toasts: [],
  pushToast: (text, tone = 'info') => {
    // The same words already on screen are not shown twice.
    if (get().toasts.some((t) => t.text === text)) return
    const id = nextId++
    set((s) => ({ toasts: [...s.toasts, { id, text, tone }] }))
    setTimeout(() => get().dismissToast(id), TOAST_MS)
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
})
