import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LineBudget } from './line-budget.js'

describe('a budget for per-event log lines', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function budget() {
    const summaries: number[] = []
    const log = { info: () => {} }
    const b = new LineBudget(log, { perSec: 10, burst: 20, summary: (_log, n) => summaries.push(n) })
    return { b, summaries }
  }

  it('gives every event its line at a person’s pace', () => {
    const { b, summaries } = budget()
    let written = 0
    for (let i = 0; i < 50; i++) {
      if (b.take()) written++
      vi.advanceTimersByTime(200)
    }
    expect(written).toBe(50)
    expect(summaries).toEqual([])
  })

  it('counts what a flood leaves out and says so in one summary line a second', () => {
    const { b, summaries } = budget()
    let written = 0
    for (let i = 0; i < 1000; i++) if (b.take()) written++
    expect(written).toBe(20)
    vi.advanceTimersByTime(1000)
    expect(summaries).toEqual([980])
    // After the flood, lines come back as the budget refills.
    expect(b.take()).toBe(true)
  })

  it('writes the summary of what is left at shutdown', () => {
    const { b, summaries } = budget()
    for (let i = 0; i < 25; i++) b.take()
    b.flush()
    expect(summaries).toEqual([5])
  })
})
