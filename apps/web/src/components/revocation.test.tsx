import { act, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeId, fakeTime, makeIdea, USER_B } from '../test/fake-transport'
import { renderApp } from '../test/render-app'

describe('share revocation', () => {
  it('removes the shared card and says "Access to position was revoked" once', async () => {
    const shared = { ...makeIdea({ owner: USER_B }), readOnly: true as const }
    const { user, live } = await renderApp((a) => {
      a.shared_ = [shared]
    })
    await user.click(screen.getByRole('button', { name: 'Collaboration' }))
    await user.click(screen.getByRole('tab', { name: 'Shared With Me' }))
    expect(screen.getByRole('article')).toHaveAttribute('data-symbol', 'AAPL')

    act(() => {
      live.server('idea:removed', { ideaId: shared.id, reason: 'revoked' })
      live.server('notification', {
        id: fakeId(),
        kind: 'share_revoked',
        text: 'Access to position was revoked',
        ideaId: shared.id,
        createdAt: fakeTime(),
        readAt: null,
      })
      live.server('idea:removed', { ideaId: shared.id, reason: 'revoked' })
    })
    expect(screen.queryByRole('article')).not.toBeInTheDocument()
    const status = screen.getByRole('status')
    expect(status.querySelectorAll('.toast')).toHaveLength(1)
    expect(status).toHaveTextContent('Access to position was revoked: User B stopped sharing AAPL with you')
    expect(screen.getByRole('button', { name: 'Notifications, 1 unread' })).toBeInTheDocument()
  })

  it('removes a deleted idea without the revocation words', async () => {
    const shared = { ...makeIdea({ owner: USER_B }), readOnly: true as const }
    const { user, live } = await renderApp((a) => {
      a.shared_ = [shared]
    })
    await user.click(screen.getByRole('button', { name: 'Collaboration' }))
    await user.click(screen.getByRole('tab', { name: 'Shared With Me' }))
    act(() => live.server('idea:removed', { ideaId: shared.id, reason: 'deleted' }))
    expect(screen.queryByRole('article')).not.toBeInTheDocument()
    expect(screen.queryByText('Access to position was revoked')).not.toBeInTheDocument()
  })
})
