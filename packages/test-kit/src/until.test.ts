import { describe, expect, it } from 'vitest'
import { until } from './wait.js'

describe('until', () => {
  it('returns the first value that is not undefined or false', async () => {
    let n = 0
    const seen = await until('the third try', () => (++n >= 3 ? n : false), { intervalMs: 1 })
    expect(seen).toBe(3)
  })

  it('keeps trying through errors, and names what it waited for and the last error when it gives up', async () => {
    await expect(
      until(
        'a value that never comes',
        () => {
          throw new Error('still broken')
        },
        { timeoutMs: 50, intervalMs: 5 },
      ),
    ).rejects.toThrow(/a value that never comes.*still broken/)
  })
})
