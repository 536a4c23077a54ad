import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMetrics } from '../metrics.js'
import { ROUTING_LINES_PER_SEC, RoutingLog } from './routing-log.js'

const A = { id: 'user-a', displayName: 'User A' }
const B = { id: 'user-b', displayName: 'User B' }

function captured() {
  const lines: Array<{ msg: string; events?: number }> = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l))
      done()
    },
  })
  return { lines, log: pino({ level: 'info' }, stream) }
}

describe('the routing log under load', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('logs each event at a person’s pace, the guide’s two lines', async () => {
    const { lines, log } = captured()
    const r = new RoutingLog(log, createMetrics())
    r.routed('comment_added', 'e1', A, B, {})
    await vi.advanceTimersByTimeAsync(2000)
    expect(lines.map((l) => l.msg)).toEqual([
      'comment_added event routed from User A: delivered to User B',
      'Delivered to User B',
    ])
  })

  it('sums up a flood in one line a second instead of a line per event, and misses no event in the count', async () => {
    const { lines, log } = captured()
    const r = new RoutingLog(log, createMetrics())
    const flood = 5000
    for (let i = 0; i < flood; i++) r.routed('comment_added', `e${i}`, A, B, {})
    await vi.advanceTimersByTimeAsync(1500)
    const routed = lines.filter((l) => l.msg.startsWith('comment_added event routed')).length
    const summaries = lines.filter((l) => l.events !== undefined)
    expect(routed).toBeLessThan(flood / 5)
    expect(routed + summaries.reduce((n, l) => n + (l.events ?? 0), 0)).toBe(flood)
    expect(summaries).toHaveLength(1)
    expect(summaries[0]?.msg).toContain(`over ${ROUTING_LINES_PER_SEC} a second`)
    // Back at a person's pace, every event has its lines again.
    await vi.advanceTimersByTimeAsync(5000)
    lines.length = 0
    r.routed('comment_added', 'later', A, B, {})
    expect(lines.map((l) => l.msg)).toContain('comment_added event routed from User A: delivered to User B')
  })
})
