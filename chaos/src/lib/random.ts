/** A small seeded generator (mulberry32), so random fault timings replay from CHAOS_SEED. */
export class Rng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(minInclusive: number, maxExclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxExclusive - minInclusive))
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
}
