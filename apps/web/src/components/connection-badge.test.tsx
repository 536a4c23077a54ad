import { act, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../test/render-app'

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
        peers: [],
      }),
    )
    expect(badge).toHaveTextContent(/^Live$/)
  })
})
