import { afterEach, describe, expect, it, vi } from 'vitest'
import { TOAST_MS } from './slices/toasts'
import { useStore } from './store'

afterEach(() => {
  vi.useRealTimers()
})

describe('toasts', () => {
  it('shows the same words once while they are on screen, and goes away by itself', () => {
    vi.useFakeTimers()
    const s = useStore.getState()
    s.pushToast('Position shared with 1 friend')
    s.pushToast('Position shared with 1 friend')
    s.pushToast('All shares removed')
    expect(useStore.getState().toasts.map((t) => t.text)).toEqual([
      'Position shared with 1 friend',
      'All shares removed',
    ])
    vi.advanceTimersByTime(TOAST_MS)
    expect(useStore.getState().toasts).toEqual([])
    s.pushToast('Position shared with 1 friend')
    expect(useStore.getState().toasts).toHaveLength(1)
  })
})
