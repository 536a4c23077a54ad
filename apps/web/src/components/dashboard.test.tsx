import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../test/render-app'
import { ApiError } from '../transport/types'

describe('dashboard', () => {
  it('lists the positions and charts the allocation', async () => {
    await renderApp()
    const table = screen.getByRole('table', { name: 'Positions' })
    for (const col of ['Symbol', 'Quantity', 'Cost', 'Price', 'Market Value', 'P/L']) {
      expect(within(table).getByRole('columnheader', { name: col })).toBeInTheDocument()
    }
    expect(within(table).getByText('AAPL')).toBeInTheDocument()
    expect(within(table).getByText('$19,000.00')).toBeInTheDocument()
    expect(within(table).getByText('-$400.00')).toBeInTheDocument()
    expect(screen.getByRole('figure', { name: 'Allocation' })).toBeInTheDocument()
  })

  it('shows an error with Retry when positions cannot load, and recovers', async () => {
    const { api, user } = await renderApp((a) => a.failing.set('positions', new ApiError(500, 'broker down')))
    expect(screen.getByText(/Could not load positions: broker down/)).toBeInTheDocument()
    api.failing.delete('positions')
    await user.click(screen.getByRole('button', { name: 'Retry' }))
    expect(await screen.findByRole('table', { name: 'Positions' })).toBeInTheDocument()
  })

  it('tells the user when the backend cannot be reached', async () => {
    await renderApp((a) => a.failing.set('me', new ApiError(0, 'Cannot reach the backend')), {
      connected: false,
    })
    expect(screen.getByRole('heading', { name: 'Cannot reach your backend' })).toBeInTheDocument()
    expect(screen.getByTestId('connection-badge')).toHaveTextContent('Offline')
  })
})
