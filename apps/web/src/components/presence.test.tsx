import { act, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLiveHandlers, VIEWING_SHOWN_MS } from '../actions/live'
import { useStore } from '../store/store'
import { makeIdea, USER_B } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'
import { initials } from './avatars'

afterEach(() => {
  vi.useRealTimers()
})

const inThread = () => within(screen.getByRole('list', { name: 'In this thread' }))

describe('presence in a thread', () => {
  it('says I am viewing while my card is open, and that I left when I close it', async () => {
    const idea = makeIdea()
    const { user, live } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    expect(inThread().getByRole('img', { name: 'You, viewing' })).toHaveTextContent('You')
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    expect(screen.queryByRole('list', { name: 'In this thread' })).not.toBeInTheDocument()
    expect(live.sent).toEqual([
      { event: 'typing', payload: { ideaId: idea.id, activity: 'viewing' } },
      { event: 'typing', payload: { ideaId: idea.id, activity: 'left' } },
    ])
  })

  it('shows a friend viewing, then typing, on the closed card; gone when they leave', async () => {
    const idea = makeIdea()
    const { user, live } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    act(() => live.server('typing', { ideaId: idea.id, user: USER_B, activity: 'viewing' }))
    expect(inThread().getByRole('img', { name: 'User B, viewing' })).toHaveTextContent('UB')
    act(() => live.server('typing', { ideaId: idea.id, user: USER_B }))
    expect(inThread().getByRole('img', { name: 'User B, typing' })).toBeInTheDocument()
    act(() => live.server('typing', { ideaId: idea.id, user: USER_B, activity: 'left' }))
    expect(screen.queryByRole('list', { name: 'In this thread' })).not.toBeInTheDocument()
  })

  it('forgets a viewer whose repeats stop', () => {
    vi.useFakeTimers()
    const handlers = createLiveHandlers()
    handlers.typing({ ideaId: 'i1', user: USER_B, activity: 'viewing' })
    vi.advanceTimersByTime(VIEWING_SHOWN_MS - 1)
    expect(useStore.getState().viewing.i1?.[USER_B.id]).toBeDefined()
    vi.advanceTimersByTime(2)
    expect(useStore.getState().viewing.i1?.[USER_B.id]).toBeUndefined()
  })

  it('makes initials from a display name', () => {
    expect(initials('User B')).toBe('UB')
    expect(initials('alice van smith')).toBe('AS')
    expect(initials('Zed')).toBe('ZE')
  })
})
