import type { StateCreator } from 'zustand'
import type { AppState, ToastsSlice } from '../types'

/** How long a toast stays on screen. */
export const TOAST_MS = 6000
let nextId = 1

export const createToastsSlice: StateCreator<AppState, [], [], ToastsSlice> = (set, get) => ({
  toasts: [],
  pushToast: (text, tone = 'info', opts = {}) => {
    // The same words already on screen are not shown twice.
    const same = get().toasts.find((t) => t.text === text && !t.action && !opts.action)
    if (same) return same.id
    const id = nextId++
    const toast = { id, text, tone, ...(opts.action ? { action: opts.action } : {}) }
    set((s) => ({ toasts: [...s.toasts, toast] }))
    setTimeout(() => get().dismissToast(id), opts.ms ?? TOAST_MS)
    return id
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
})
