import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSyncCoordinator } from './sync.js'

let asked: string[]
let exhausted: string[]
const coordinator = () =>
  createSyncCoordinator({
    timeoutMs: 1000,
    ask: (session, candidate, requester) => asked.push(`${session}:${candidate}->${requester}`),
    exhausted: (session, requester) => exhausted.push(`${session}:${requester}`),
  })

beforeEach(() => {
  vi.useFakeTimers()
  asked = []
  exhausted = []
})
afterEach(() => {
  vi.useRealTimers()
})

describe('the sync coordinator', () => {
  it('asks the candidates in order, one per timeout, then gives up', () => {
    const sync = coordinator()
    sync.start('s', 'new', ['old', 'mid'])
    expect(asked).toEqual(['s:old->new'])
    vi.advanceTimersByTime(1000)
    expect(asked).toEqual(['s:old->new', 's:mid->new'])
    vi.advanceTimersByTime(1000)
    expect(exhausted).toEqual(['s:new'])
    expect(sync.size()).toBe(0)
  })

  it('asks the next candidate at once when the one asked declines, and ignores others declining', () => {
    const sync = coordinator()
    sync.start('s', 'new', ['old', 'mid', 'young'])
    sync.declined('s', 'mid', 'new')
    expect(asked).toEqual(['s:old->new'])
    sync.declined('s', 'old', 'new')
    expect(asked).toEqual(['s:old->new', 's:mid->new'])
    expect(sync.answer('s', 'mid', 'new')).toBe(true)
    expect(sync.size()).toBe(0)
  })

  it('accepts the first answer from any member asked so far, once', () => {
    const sync = coordinator()
    sync.start('s', 'new', ['old', 'mid', 'young'])
    vi.advanceTimersByTime(1000)
    expect(sync.answer('s', 'young', 'new')).toBe(false)
    expect(sync.answer('s', 'old', 'new')).toBe(true)
    expect(sync.answer('s', 'mid', 'new')).toBe(false)
    vi.advanceTimersByTime(5000)
    expect(asked).toHaveLength(2)
    expect(exhausted).toEqual([])
  })

  it('moves on at once when the member being asked leaves, and drops a leaving requester', () => {
    const sync = coordinator()
    sync.start('s', 'new', ['old', 'mid'])
    sync.left('s', 'old')
    expect(asked).toEqual(['s:old->new', 's:mid->new'])
    sync.left('s', 'new')
    expect(sync.size()).toBe(0)
    vi.advanceTimersByTime(5000)
    expect(exhausted).toEqual([])
  })

  it('keeps sessions apart', () => {
    const sync = coordinator()
    sync.start('a', 'new', ['old'])
    sync.start('b', 'new', ['old'])
    sync.left('a', 'old')
    expect(exhausted).toEqual(['a:new'])
    expect(sync.answer('b', 'old', 'new')).toBe(true)
  })
})
