import { describe, expect, it } from 'vitest'
import { makeComment, USER_A, USER_B } from '../test/fake-transport'
import { useStore } from './store'

const IDEA = '20000000-0000-4000-8000-000000000001'

describe('comment thread in the store', () => {
  it('orders by (createdAt, id) whatever the arrival order', () => {
    const at = '2026-11-22T10:00:00.000Z'
    const c1 = makeComment(IDEA, USER_A, 'first', {
      createdAt: at,
      id: '30000000-0000-4000-8000-00000000000a',
    })
    const c2 = makeComment(IDEA, USER_B, 'same time, larger id', {
      createdAt: at,
      id: '30000000-0000-4000-8000-00000000000b',
    })
    const c3 = makeComment(IDEA, USER_B, 'later', { createdAt: '2026-11-22T10:00:01.000Z' })
    const s = useStore.getState()
    s.upsertComment(c3)
    s.upsertComment(c2)
    s.upsertComment(c1)
    expect(useStore.getState().comments[IDEA]?.map((c) => c.body)).toEqual([
      'first',
      'same time, larger id',
      'later',
    ])
  })

  it('keeps one entry per id', () => {
    const c = makeComment(IDEA, USER_B, 'hello')
    useStore.getState().upsertComment(c)
    useStore.getState().upsertComment(c)
    useStore.getState().mergeComments(IDEA, [c])
    expect(useStore.getState().comments[IDEA]).toHaveLength(1)
  })

  it('never turns a confirmed comment back into pending', () => {
    const c = makeComment(IDEA, USER_A, 'mine', { pending: true })
    useStore.getState().upsertComment(c)
    useStore.getState().upsertComment({ ...c, pending: false })
    useStore.getState().upsertComment({ ...c, pending: true })
    expect(useStore.getState().comments[IDEA]?.[0]?.pending).toBe(false)
  })

  it('replaces the optimistic copy with the saved one', () => {
    const temp = makeComment(IDEA, USER_A, 'hi', { pending: true })
    useStore.getState().upsertComment(temp)
    const saved = makeComment(IDEA, USER_A, 'hi', { pending: false })
    useStore.getState().upsertComment(saved, { replaceId: temp.id })
    expect(useStore.getState().comments[IDEA]?.map((c) => c.id)).toEqual([saved.id])
  })

  it('starts empty again after a reset', async () => {
    const { resetStore } = await import('./store')
    useStore.getState().upsertComment(makeComment(IDEA, USER_A, 'x'))
    resetStore()
    expect(useStore.getState().comments).toEqual({})
  })
})
