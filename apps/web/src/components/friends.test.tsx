import { PROTOCOL_VERSION } from '@pp/contracts'
import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { USER_A, USER_B, USER_C } from '../test/fake-transport'
import { renderApp } from '../test/render-app'

describe('friends page', () => {
  it('sends a friend request to an online user and accepts an incoming one', async () => {
    const { user, api } = await renderApp((a) => {
      a.online = [USER_A, USER_B, USER_C]
      a.friends_ = [{ ...USER_C, status: 'incoming', online: true, fingerprint: null, newFingerprint: null }]
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
      a.friends_ = [{ ...USER_B, status: 'accepted', online: true, fingerprint: null, newFingerprint: null }]
    })
    await user.click(screen.getByRole('button', { name: 'Friends' }))
    const friends = await screen.findByRole('list', { name: 'Friend list' })
    expect(within(friends).getByRole('img', { name: 'online' })).toBeInTheDocument()
    act(() => live.server('presence', { user: USER_B, online: false }))
    expect(within(friends).getByRole('img', { name: 'offline' })).toBeInTheDocument()
  })

  it('shows safety numbers, and warns of a friend’s changed keys until the user trusts them', async () => {
    const { user, api } = await renderApp((a) => {
      a.fingerprint = 'AAAA 1111 AAAA 1111 AAAA'
      a.friends_ = [
        {
          ...USER_B,
          status: 'accepted',
          online: true,
          fingerprint: 'BBBB 2222 BBBB 2222 BBBB',
          newFingerprint: 'EEEE 9999 EEEE 9999 EEEE',
        },
      ]
    })
    await user.click(screen.getByRole('button', { name: 'Friends' }))
    expect(await screen.findByText('AAAA 1111 AAAA 1111 AAAA')).toBeInTheDocument()
    const friends = await screen.findByRole('list', { name: 'Friend list' })
    expect(within(friends).getByText('BBBB 2222 BBBB 2222 BBBB')).toBeInTheDocument()
    const warning = within(friends).getByRole('alert')
    expect(warning).toHaveTextContent('User B’s keys changed')
    expect(warning).toHaveTextContent('EEEE 9999 EEEE 9999 EEEE')
    await user.click(within(warning).getByRole('button', { name: 'Trust the new keys' }))
    expect(api.callsOf('acceptFriendKey')).toEqual([[USER_B.id]])
    expect(await within(friends).findByText('EEEE 9999 EEEE 9999 EEEE')).toBeInTheDocument()
    expect(within(friends).queryByRole('alert')).not.toBeInTheDocument()
  })

  it('does not claim nobody is online while the relay cannot be reached', async () => {
    const { user, live } = await renderApp((a) => {
      a.online = [USER_A]
    })
    await user.click(screen.getByRole('button', { name: 'Friends' }))
    expect(await screen.findByText('Nobody else is online.')).toBeInTheDocument()
    act(() =>
      live.server('collab:status', {
        enabled: true,
        connected: false,
        since: null,
        relayUrl: null,
        protocol: { backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION },
        peers: [],
      }),
    )
    expect(
      screen.getByText('Who is online is not known while the collaboration service is unreachable.'),
    ).toBeInTheDocument()
  })
})
