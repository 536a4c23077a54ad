import { act, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { notifyTyping, TYPING_THROTTLE_MS } from '../actions/comments'
import { createLiveHandlers, TYPING_SHOWN_MS } from '../actions/live'
import { useStore } from '../store/store'
import { createFakeTransport, makeComment, makeIdea, USER_A, USER_B } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'
import { setTransport } from '../transport/current'

afterEach(() => {
  vi.useRealTimers()
})

describe('typing indicator', () => {
  it('shows "User B is typing…" after their typing event', async () => {
    const idea = makeIdea()
    const { user, live } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    act(() => live.server('typing', { ideaId: idea.id, user: USER_B }))
    expect(screen.getByText('User B is typing…')).toBeInTheDocument()
    // Their comment arriving ends it.
    act(() => live.server('comment:upserted', makeComment(idea.id, USER_B, 'done')))
    expect(screen.queryByText('User B is typing…')).not.toBeInTheDocument()
  })

  it('sends typing while I type, at most once per throttle window', async () => {
    const idea = makeIdea()
    const { user, live } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    await user.type(screen.getByRole('textbox', { name: 'Comment' }), 'several keys')
    expect(live.sent).toEqual([
      { event: 'typing', payload: { ideaId: idea.id, activity: 'viewing' } },
      { event: 'typing', payload: { ideaId: idea.id } },
    ])
  })

  it('throttles by time and clears the line a few seconds after the last event', () => {
    vi.useFakeTimers()
    const fake = createFakeTransport()
    setTransport(fake.transport)
    notifyTyping('i1', 0)
    notifyTyping('i1', TYPING_THROTTLE_MS - 1)
    notifyTyping('i1', TYPING_THROTTLE_MS)
    expect(fake.live.sent).toHaveLength(2)

    useStore.getState().setMe({ ...USER_A, fingerprint: '1111 AAAA 2222 BBBB 3333' })
    const handlers = createLiveHandlers()
    handlers.typing({ ideaId: 'i1', user: USER_B })
    handlers.typing({ ideaId: 'i1', user: USER_A })
    expect(Object.keys(useStore.getState().typing.i1 ?? {})).toEqual([USER_B.id])
    vi.advanceTimersByTime(TYPING_SHOWN_MS - 100)
    handlers.typing({ ideaId: 'i1', user: USER_B })
    vi.advanceTimersByTime(TYPING_SHOWN_MS - 100)
    expect(useStore.getState().typing.i1?.[USER_B.id]).toBeDefined()
    vi.advanceTimersByTime(200)
    expect(useStore.getState().typing.i1?.[USER_B.id]).toBeUndefined()
  })
})
