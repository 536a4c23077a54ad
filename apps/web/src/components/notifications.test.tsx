import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeId, fakeTime, makeComment, makeIdea, USER_B, USER_C } from '../test/fake-transport'
import { renderApp } from '../test/render-app'

const note = (text: string, read = false) => ({
  id: fakeId(),
  kind: 'position_shared' as const,
  text,
  createdAt: fakeTime(),
  readAt: read ? fakeTime() : null,
})

describe('notifications', () => {
  it('counts unread on the bell, lists newest first, and marks all read', async () => {
    const older = note('User B accepted your friend request')
    const newer = note('User B shared TSLA with you')
    const { user, api, live } = await renderApp((a) => {
      a.notifications_ = [older, newer]
    })
    const bell = screen.getByRole('button', { name: 'Notifications, 2 unread' })
    act(() => live.server('notification', note('User B commented on AAPL')))
    expect(bell).toHaveAccessibleName('Notifications, 3 unread')

    await user.click(bell)
    const panel = screen.getByRole('dialog', { name: 'Notifications' })
    const texts = within(panel)
      .getAllByRole('listitem')
      .map((li) => li.querySelector('.notification-text')?.textContent)
    expect(texts).toEqual([
      'User B commented on AAPL',
      'User B shared TSLA with you',
      'User B accepted your friend request',
    ])

    await user.click(within(panel).getByRole('button', { name: 'Mark all read' }))
    expect(bell).toHaveAccessibleName('Notifications')
    expect(api.callsOf('markNotificationRead')).toHaveLength(3)
  })

  it('shows friends’ activity on the dashboard', async () => {
    await renderApp((a) => {
      a.notifications_ = [note('User B shared AAPL with you', true)]
    })
    const feed = screen.getByRole('list', { name: 'Recent activity' })
    expect(within(feed).getByText('User B shared AAPL with you')).toBeInTheDocument()
  })
})

describe('a notification about an idea', () => {
  it('opens that idea’s card in Shared With Me when clicked', async () => {
    const shared = { ...makeIdea({ owner: USER_B, symbol: 'AMZN' }), readOnly: true as const }
    const { user } = await renderApp((a) => {
      a.shared_ = [shared]
      a.notifications_ = [{ ...note('User B shared AMZN with you'), ideaId: shared.id }]
    })
    await user.click(screen.getByRole('button', { name: 'Notifications, 1 unread' }))
    await user.click(screen.getByRole('button', { name: /User B shared AMZN with you/ }))
    expect(screen.queryByRole('dialog', { name: 'Notifications' })).not.toBeInTheDocument()
    expect(screen.getByRole('tab', { name: 'Shared With Me' })).toHaveAttribute('aria-selected', 'true')
    expect(screen.getByRole('button', { name: /^AMZN/ })).toHaveAttribute('aria-expanded', 'true')
    expect(screen.getByRole('button', { name: 'Notifications' })).toBeInTheDocument()
  })
})

describe('grouped notifications', () => {
  it('shows one row per idea: the newest, how many are new, and a preview of the newest comment', async () => {
    const idea = { ...makeIdea({ owner: USER_B, symbol: 'UBER' }), readOnly: true as const }
    const about = (text: string, kind: 'comment_added' | 'position_updated') => ({
      ...note(text),
      kind,
      ideaId: idea.id,
    })
    const { user } = await renderApp((a) => {
      a.shared_ = [idea]
      a.comments_.set(idea.id, [makeComment(idea.id, USER_B, 'Second leg at 2.10')])
      // Oldest first: each fake time is later than the one before.
      a.notifications_ = [
        note('User B accepted your friend request'),
        about('User B commented on UBER', 'comment_added'),
        about('User B changed UBER: status Planned → Watching', 'position_updated'),
      ]
    })
    await user.click(screen.getByRole('button', { name: 'Notifications, 3 unread' }))
    const rows = within(screen.getByRole('dialog', { name: 'Notifications' })).getAllByRole('listitem')
    expect(rows).toHaveLength(2)
    expect(rows[0]).toHaveTextContent('User B changed UBER: status Planned → Watching')
    expect(rows[0]).toHaveTextContent('2 new')
    expect(await within(rows[0] as HTMLElement).findByText(/Second leg at 2\.10/)).toBeInTheDocument()
    expect(rows[0]).not.toHaveTextContent('User B commented on UBER')
  })

  it('lets me accept a friend request in place', async () => {
    const { user, api } = await renderApp((a) => {
      a.friends_ = [
        ...a.friends_,
        { ...USER_C, status: 'incoming', online: true, fingerprint: null, newFingerprint: null },
      ]
      a.notifications_ = [
        { ...note(`${USER_C.displayName} sent you a friend request`), kind: 'friend_request' },
      ]
    })
    await user.click(screen.getByRole('button', { name: 'Notifications, 1 unread' }))
    await user.click(screen.getByRole('button', { name: `Accept ${USER_C.displayName}` }))
    expect(api.callsOf('acceptFriend')).toEqual([[USER_C.id]])
    expect(screen.queryByRole('button', { name: `Accept ${USER_C.displayName}` })).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Notifications' })).toBeInTheDocument()
  })
})
