import { PROTOCOL_VERSION } from '@pp/contracts'
import { act, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../test/render-app'

const status = (relay: number | null) => ({
  enabled: true,
  connected: true,
  since: null,
  relayUrl: 'http://localhost:9000',
  protocol: { backend: PROTOCOL_VERSION, relay },
  peers: [],
})

describe('protocol mismatch banner', () => {
  it('says this backend is behind the relay and to update it', async () => {
    const { live } = await renderApp()
    expect(screen.queryByTestId('protocol-banner')).toBeNull()
    act(() => live.server('collab:status', status(PROTOCOL_VERSION + 1)))
    const banner = screen.getByRole('region', { name: 'Version mismatch' })
    expect(banner).toHaveTextContent("This backend's version does not match the collaboration service's")
    expect(banner).toHaveTextContent('update Portfolio Planner on this machine')
  })

  it('says the relay is behind when it speaks an older version, and goes when they agree', async () => {
    const { live } = await renderApp()
    act(() => live.server('collab:status', status(PROTOCOL_VERSION - 1)))
    expect(screen.getByTestId('protocol-banner')).toHaveTextContent(
      'whoever runs the collaboration service updates it',
    )
    act(() => live.server('collab:status', status(PROTOCOL_VERSION)))
    expect(screen.queryByTestId('protocol-banner')).toBeNull()
  })
})
