import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeId, fakeTime, makeIdea, USER_B, USER_C } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'

const commentNote = (ideaId: string, text: string) => ({
  id: fakeId(),
  kind: 'comment_added' as const,
  text,
  ideaId,
  createdAt: fakeTime(),
  readAt: null,
})

describe('counts on a collapsed card', () => {
  it('says who an idea is shared with before the card is opened', async () => {
    const shared = makeIdea({ symbol: 'DIS' })
    const alone = makeIdea({ symbol: 'PYPL' })
    const { user } = await renderApp((a) => {
      a.ideas_ = [shared, alone]
      a.shares_.set(shared.id, [USER_B.id, USER_C.id])
    })
    await openCollaboration(user)
    const cards = screen.getAllByTestId('idea-card')
    const dis = cards.find((c) => c.dataset.symbol === 'DIS')
    const pypl = cards.find((c) => c.dataset.symbol === 'PYPL')
    if (!dis || !pypl) throw new Error('both cards are listed')
    expect(within(dis).getByRole('button', { name: /^DIS/ })).toHaveAttribute('aria-expanded', 'false')
    expect(within(dis).getByText('Shared with 2 friends')).toBeInTheDocument()
    expect(within(pypl).queryByText(/Shared with/)).toBeNull()
  })

  it('counts unread comments per idea and clears them when the thread is read', async () => {
    const idea = makeIdea({ symbol: 'SNOW' })
    const other = makeIdea({ symbol: 'DIS' })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea, other]
      a.notifications_ = [
        commentNote(idea.id, 'User B commented on SNOW'),
        commentNote(idea.id, 'User C commented on SNOW'),
        commentNote(other.id, 'User B commented on DIS'),
      ]
    })
    await openCollaboration(user)
    const card = () => screen.getAllByTestId('idea-card').find((c) => c.dataset.symbol === 'SNOW')
    const dis = () => screen.getAllByTestId('idea-card').find((c) => c.dataset.symbol === 'DIS')
    expect(within(card() ?? document.body).getByTestId('unread-comments')).toHaveTextContent('2 new comments')
    expect(within(dis() ?? document.body).getByTestId('unread-comments')).toHaveTextContent('1 new comment')

    await user.click(screen.getByRole('button', { name: /^SNOW/ }))
    expect(within(card() ?? document.body).queryByTestId('unread-comments')).toBeNull()
    await expect.poll(() => api.callsOf('markNotificationRead').length).toBe(2)
    // Closed again, nothing new: no count; the other idea keeps its own.
    await user.click(screen.getByRole('button', { name: /^SNOW/ }))
    expect(within(card() ?? document.body).queryByTestId('unread-comments')).toBeNull()
    expect(within(dis() ?? document.body).getByTestId('unread-comments')).toHaveTextContent('1 new comment')
  })
})
