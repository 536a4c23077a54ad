import { PROTOCOL_VERSION } from '@pp/contracts'
import { act, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { makeIdea, USER_B } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'

describe('connection badge', () => {
  it('says Live only while the socket and the relay link are both up', async () => {
    const { live } = await renderApp()
    const badge = screen.getByTestId('connection-badge')
    expect(badge).toHaveTextContent(/^Live$/)

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
    expect(badge).toHaveTextContent(/^Offline$/)
    expect(badge).toHaveAttribute('title', 'Backend ↔ relay disconnected')

    act(() =>
      live.server('collab:status', {
        enabled: true,
        connected: true,
        since: null,
        relayUrl: null,
        protocol: { backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION },
        peers: [],
      }),
    )
    expect(badge).toHaveTextContent(/^Live$/)

    act(() => live.setConnected(false))
    expect(badge).toHaveTextContent(/^Offline$/)
    expect(badge).toHaveAttribute('title', 'Browser ↔ backend disconnected')
  })

  it('reads everything again after a reconnect', async () => {
    const { live, api } = await renderApp()
    const before = api.callsOf('ideas').length
    act(() => live.setConnected(false))
    act(() => live.setConnected(true))
    await screen.findByText('Live')
    expect(api.callsOf('ideas').length).toBe(before + 1)
  })

  it('shows the user display name in the header', async () => {
    await renderApp()
    expect(screen.getByTestId('user-name')).toHaveTextContent('User A')
  })
})

describe('connection badge after a backend restart', () => {
  it('stays Offline until the backend reports the relay link again', async () => {
    const { live } = await renderApp()
    const badge = screen.getByTestId('connection-badge')
    act(() => live.setConnected(false))
    act(() => live.setConnected(true))
    expect(badge).toHaveTextContent(/^Offline$/)
    expect(badge).toHaveAttribute('title', 'Backend ↔ relay disconnected')
    act(() =>
      live.server('collab:status', {
        enabled: true,
        connected: true,
        since: null,
        relayUrl: null,
        protocol: { backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION },
        peers: [],
      }),
    )
    expect(badge).toHaveTextContent(/^Live$/)
  })

  it('says in a banner which link is reconnecting and what still works; no sync line claims Synced meanwhile', async () => {
    const idea = makeIdea()
    const { user, live } = await renderApp((a) => {
      a.ideas_ = [idea]
      a.shares_.set(idea.id, [USER_B.id])
      a.friends_ = [{ ...USER_B, status: 'accepted', online: true, fingerprint: null, newFingerprint: null }]
    })
    expect(screen.queryByRole('region', { name: 'Connection' })).not.toBeInTheDocument()
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    expect(await screen.findByText('Synced')).toBeInTheDocument()

    const down = {
      enabled: true,
      connected: false,
      since: null,
      relayUrl: null,
      protocol: { backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION },
      peers: [],
    }
    act(() => live.server('collab:status', down))
    const banner = screen.getByRole('region', { name: 'Connection' })
    expect(banner).toHaveTextContent('Reconnecting to the collaboration service…')
    expect(banner).toHaveTextContent('You can keep working: your changes and comments are saved')

    act(() => live.setConnected(false))
    expect(banner).toHaveTextContent('Reconnecting to your backend…')
    expect(banner).toHaveTextContent('nothing you change can be saved until it is back')
    expect(screen.queryByText('Synced')).not.toBeInTheDocument()
    expect(screen.getByText('Not known while your backend is unreachable')).toBeInTheDocument()

    act(() => {
      live.setConnected(true)
      live.server('collab:status', { ...down, connected: true })
    })
    expect(screen.queryByRole('region', { name: 'Connection' })).not.toBeInTheDocument()
  })
})
