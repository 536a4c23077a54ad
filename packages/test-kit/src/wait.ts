import { vi } from 'vitest'

export type WaitOptions = { timeoutMs?: number; intervalMs?: number }

/**
 * Waits until `check` gives something other than undefined or false (or stops throwing), with
 * `vi.waitFor`; fails after `timeoutMs` naming `what` and the last value or error seen. The timeout
 * bounds the wait, it is never a pass/fail threshold on speed.
 */
export async function until<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 50 }: WaitOptions = {},
): Promise<T> {
  let last: unknown
  try {
    return await vi.waitFor(
      async () => {
        const value = await check()
        last = value
        if (value === undefined || value === false) throw new Error('not yet')
        return value
      },
      { timeout: timeoutMs, interval: intervalMs },
    )
  } catch (err) {
    const detail = err instanceof Error && err.message !== 'not yet' ? err.message : JSON.stringify(last)
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`)
  }
}
