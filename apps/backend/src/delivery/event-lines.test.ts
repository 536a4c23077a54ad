import { Writable } from 'node:stream'
import type { Idea } from '@pp/contracts'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { applyInbound } from '../domain/inbound.js'
import { frame, testCtx } from '../test-support/ctx.js'
import { USER_A, USER_B } from '../test-support/temp.js'
import { eventLines } from './event-lines.js'

const IDEA_ID = '01900000-0000-7000-8000-00000000e001'

function idea(version: number): Idea {
  return {
    id: IDEA_ID,
    owner: USER_A,
    symbol: 'AAPL',
    strategy: 'Covered Call',
    status: 'Planned',
    tags: [],
    notes: '',
    entryPrice: null,
    targetPrice: null,
    stopPrice: null,
    legs: [],
    version,
    createdAt: '2026-11-22T01:00:00.000Z',
    updatedAt: '2026-11-22T01:00:00.000Z',
  }
}

describe('per-event log lines under a flood of received events', () => {
  let t: Awaited<ReturnType<typeof testCtx>>
  const lines: Array<{ msg: string; events_unlogged?: number }> = []
  beforeEach(async () => {
    // The budget refills with the clock: frozen here, so only the burst is written one by one.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] })
    lines.length = 0
    t = await testCtx(USER_B)
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l))
        done()
      },
    })
    t.ctx.log = pino({ level: 'info' }, sink)
    t.ctx.eventLines = eventLines(t.ctx.log)
    await t.db.friend.create({ data: { userId: USER_A.id, displayName: 'User A', status: 'accepted' } })
  })
  afterEach(async () => {
    vi.useRealTimers()
    await t.close()
  })

  it('applies every event, logs the first 400 one by one and sums up the rest in one line', async () => {
    await applyInbound(t.ctx, frame(USER_A, { type: 'position_shared', idea: idea(1), comments: [] }))
    const n = 600
    for (let v = 2; v < n + 1; v++) {
      expect(await applyInbound(t.ctx, frame(USER_A, { type: 'position_updated', idea: idea(v) }))).toBe(
        'applied',
      )
    }
    expect((await t.db.idea.findUnique({ where: { id: IDEA_ID } }))?.version).toBe(n)
    expect(lines.filter((l) => l.msg.startsWith('Received ')).length).toBe(400)
    expect(lines.some((l) => l.events_unlogged !== undefined)).toBe(false)
    vi.advanceTimersByTime(1000)
    const summary = lines.filter((l) => l.events_unlogged !== undefined)
    expect(summary.map((l) => l.events_unlogged)).toEqual([n - 400])
    expect(summary[0]?.msg).toContain('see backend_events_sent_total')
  })
})
