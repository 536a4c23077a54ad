import { setTimeout as sleep } from 'node:timers/promises'
import { until } from '@pp/test-kit'

/** Waits until `check` gives a value other than undefined/false: the test kit's, on `vi.waitFor`. */
export { sleep, until }

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++
      if (i >= items.length) return
      out[i] = await fn(items[i] as T, i)
    }
  })
  await Promise.all(workers)
  return out
}
