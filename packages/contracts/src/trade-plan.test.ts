import { describe, expect, it } from 'vitest'
import { Idea } from './common.js'
import { PositionSharedEvent } from './domain-events.js'
import { parseWith } from './parse.js'
import { CreateIdeaBody, PatchIdeaBody } from './rest.js'
import { tradePlanProblem } from './trade-plan.js'

const base = { symbol: 'ORCL', status: 'Planned' }
const leg = { type: 'call', side: 'sell', strike: 200, expiry: '2027-01-15', premium: 3.2, quantity: 1 }
const plan = (strategy: string, entry: number | null, target: number | null, stop: number | null) =>
  tradePlanProblem({ strategy, entryPrice: entry, targetPrice: target, stopPrice: stop, legs: [] })

describe('a trade plan', () => {
  it('accepts stop < entry < target on a long idea and target < entry < stop on a short one', () => {
    expect(plan('Long Call', 100, 120, 90)).toBeNull()
    expect(plan('Long Put', 100, 80, 110)).toBeNull()
    expect(plan('Stock', 100, 80, 110)).toBeNull()
    expect(plan('Iron Condor', null, null, null)).toBeNull()
    expect(plan('Stock', 100, null, null)).toBeNull()
  })

  it('names the price that breaks the rule', () => {
    expect(plan('Long Call', 100, 90, null)).toMatchObject({ field: 'targetPrice', other: 'entryPrice' })
    expect(plan('Covered Call', 100, 120, 130)).toMatchObject({ field: 'stopPrice', other: 'entryPrice' })
    expect(plan('Long Put', 100, 120, null)?.message).toBe(
      'must be below the entry price (a Long Put is short)',
    )
    expect(plan('Stock', 100, 120, 110)?.message).toBe('must be below the entry price (a long idea)')
    expect(plan('Stock', null, 120, 130)).toBeNull()
    expect(plan('Long Call', null, 120, 130)).toMatchObject({ field: 'stopPrice', other: 'targetPrice' })
    expect(plan('Stock', 100, 100, null)).toMatchObject({ field: 'targetPrice' })
  })

  it('refuses option legs on a Stock idea', () => {
    const r = parseWith(CreateIdeaBody, { ...base, strategy: 'Stock', legs: [leg] })
    expect(r).toMatchObject({ ok: false, path: 'legs', message: 'legs: a Stock idea has no option legs' })
  })
})

describe('an idea with prices and legs over REST', () => {
  it('is accepted when the plan holds', () => {
    const r = parseWith(CreateIdeaBody, {
      ...base,
      strategy: 'Covered Call',
      entryPrice: 180,
      targetPrice: 200,
      stopPrice: 165,
      legs: [leg],
    })
    expect(r.ok).toBe(true)
  })

  it('names the wrong field', () => {
    const cases: [unknown, string][] = [
      [{ ...base, strategy: 'Stock', entryPrice: -1 }, 'entryPrice'],
      [{ ...base, strategy: 'Stock', entryPrice: 'ten' }, 'entryPrice'],
      [{ ...base, strategy: 'Stock', targetPrice: 2_000_000 }, 'targetPrice'],
      [{ ...base, strategy: 'Long Call', entryPrice: 10, targetPrice: 8 }, 'targetPrice'],
      [{ ...base, strategy: 'Long Call', legs: [{ ...leg, type: 'future' }] }, 'legs.0.type'],
      [{ ...base, strategy: 'Long Call', legs: [{ ...leg, side: 'hold' }] }, 'legs.0.side'],
      [{ ...base, strategy: 'Long Call', legs: [{ ...leg, strike: 0 }] }, 'legs.0.strike'],
      [{ ...base, strategy: 'Long Call', legs: [{ ...leg, expiry: '2027-02-30' }] }, 'legs.0.expiry'],
      [{ ...base, strategy: 'Long Call', legs: [{ ...leg, premium: -0.5 }] }, 'legs.0.premium'],
      [{ ...base, strategy: 'Long Call', legs: [{ ...leg, quantity: 1.5 }] }, 'legs.0.quantity'],
      [{ ...base, strategy: 'Long Call', legs: [{ ...leg, extra: 1 }] }, 'legs.0'],
      [{ ...base, strategy: 'Iron Condor', legs: Array.from({ length: 9 }, () => leg) }, 'legs'],
    ]
    for (const [body, path] of cases) {
      expect(parseWith(CreateIdeaBody, body), JSON.stringify(body)).toMatchObject({ ok: false, path })
    }
  })

  it('lets a patch set, clear or change only prices and legs', () => {
    expect(parseWith(PatchIdeaBody, { entryPrice: null }).ok).toBe(true)
    expect(parseWith(PatchIdeaBody, { legs: [] }).ok).toBe(true)
    expect(parseWith(PatchIdeaBody, { stopPrice: 0 })).toMatchObject({ ok: false, path: 'stopPrice' })
  })
})

describe('an idea snapshot from a backend that predates prices and legs', () => {
  it('reads as one with none set', () => {
    const idea = {
      id: '0193a000-0000-7000-8000-000000000001',
      owner: { id: '00000000-0000-0000-0000-000000000001', displayName: 'User A' },
      symbol: 'ORCL',
      strategy: 'Stock',
      status: 'Planned',
      tags: [],
      notes: '',
      version: 1,
      createdAt: '2026-12-07T10:00:00.000Z',
      updatedAt: '2026-12-07T10:00:00.000Z',
    }
    expect(parseWith(Idea, idea)).toMatchObject({
      ok: true,
      value: { entryPrice: null, targetPrice: null, stopPrice: null, legs: [] },
    })
    const shared = parseWith(PositionSharedEvent, { type: 'position_shared', idea, comments: [] })
    expect(shared).toMatchObject({ ok: true, value: { activity: [] } })
  })
})
