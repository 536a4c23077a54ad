import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { USER_A, USER_B, USER_C } from '../test/fake-transport'
import { renderApp } from '../test/render-app'

describe('friends page', () => {
  it('sends a friend request to an online user and accepts an incoming one', async () => {
    const { user, api } = await renderApp((a) => {
      a.online = [USER_A, USER_B, USER_C]
      a.friends_ = [{ ...USER_C, status: 'incoming', online: true }]
    })
    await user.click(screen.getByRole('button', { name: 'Friends' }))
    expect(screen.getByRole('heading', { level: 1, name: 'Friends' })).toBeInTheDocument()

    const online = await screen.findByRole('list', { name: 'Online users' })
    expect(within(online).queryByText('User A')).not.toBeInTheDocument()
    const rowB = within(online).getByText('User B').closest('li') as HTMLElement
    await user.click(within(rowB).getByRole('button', { name: 'Add friend' }))
    expect(api.callsOf('requestFriend')).toEqual([[USER_B.id]])
    expect(await within(rowB).findByText('Request sent')).toBeInTheDocument()

    const incoming = screen.getByRole('list', { name: 'Incoming requests' })
    await user.click(within(incoming).getByRole('button', { name: 'Accept' }))
    expect(api.callsOf('acceptFriend')).toEqual([[USER_C.id]])
    const friends = await screen.findByRole('list', { name: 'Friend list' })
    expect(within(friends).getByText('User C')).toBeInTheDocument()
  })

  it('moves presence dots as friends come and go', async () => {
    const { user, live } = await renderApp((a) => {
      a.friends_ = [{ ...USER_B, status: 'accepted', online: true }]
    })
    await user.click(screen.getByRole('button', { name: 'Friends' }))
    const friends = await screen.findByRole('list', { name: 'Friend list' })
    expect(within(friends).getByRole('img', { name: 'online' })).toBeInTheDocument()
    act(() => live.server('presence', { user: USER_B, online: false }))
    expect(within(friends).getByRole('img', { name: 'offline' })).toBeInTheDocument()
  })
})
