import { describe, expect, it } from 'vitest'
import { ideaChangeText } from './idea-changes.js'

const idea = (status: string, tags: string[]) => ({ symbol: 'AAPL', status, tags: JSON.stringify(tags) })

describe('what a sharee is told when a shared idea changes', () => {
  it('names a status change and the tags added and removed', () => {
    expect(ideaChangeText('User A', idea('Planned', ['x']), idea('Watching', ['x', 'bullish']))).toBe(
      'User A changed AAPL: status Planned → Watching; added bullish',
    )
    expect(ideaChangeText('User A', idea('Planned', ['a', 'b']), idea('Planned', ['c']))).toBe(
      'User A changed AAPL: added c; removed a, b',
    )
  })

  it('says nothing when neither status nor tags changed (a notes edit)', () => {
    expect(ideaChangeText('User A', idea('Planned', ['a']), idea('Planned', ['a']))).toBeNull()
  })
})
