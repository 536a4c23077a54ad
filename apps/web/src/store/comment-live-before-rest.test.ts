import { describe, expect, it } from 'vitest'
import { makeComment, USER_A } from '../test/fake-transport'
import { resetStore, useStore } from './store'

const IDEA = '20000000-0000-4000-8000-000000000002'

// Regression: the backend's live `comment:upserted` for my own comment can arrive before the REST answer;
// the thread showed the comment twice (my "Sending…" copy and the backend's) until the answer came.
describe('my comment arriving by the live channel before the REST answer', () => {
  it('replaces my local copy at once, and the REST answer changes nothing after', () => {
    resetStore()
    const local = makeComment(IDEA, USER_A, 'mine', { pending: true })
    useStore.getState().upsertComment(local, { local: true })
    const saved = makeComment(IDEA, USER_A, 'mine', { pending: false })
    useStore.getState().upsertComment(saved)
    expect(useStore.getState().comments[IDEA]?.map((c) => c.id)).toEqual([saved.id])
    useStore.getState().upsertComment(saved, { replaceId: local.id })
    expect(useStore.getState().comments[IDEA]?.map((c) => c.id)).toEqual([saved.id])
  })

  it('leaves comments of the same text from someone else alone', () => {
    resetStore()
    const local = makeComment(IDEA, USER_A, 'ok', { pending: true })
    useStore.getState().upsertComment(local, { local: true })
    const theirs = makeComment(
      IDEA,
      { id: '00000000-0000-0000-0000-000000000002', displayName: 'User B' },
      'ok',
    )
    useStore.getState().upsertComment(theirs)
    expect(useStore.getState().comments[IDEA]).toHaveLength(2)
  })
})
