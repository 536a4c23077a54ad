import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { openCollaboration, renderApp } from '../test/render-app'
import { ApiError } from '../transport/types'

describe('Create New Idea', () => {
  it('creates an idea and shows its card in My Ideas at once', async () => {
    const { user, api } = await renderApp()
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: 'Create New Idea' }))
    const form = screen.getByRole('form', { name: 'New idea' })
    // While the form is open its "Create" is the only button on the page that says so.
    expect(screen.getAllByRole('button', { name: /create/i }).map((b) => b.textContent)).toEqual(['Create'])
    expect(screen.getByText('My Ideas', { exact: true })).toBeInTheDocument()
    await user.type(within(form).getByLabelText('Symbol'), 'aapl')
    await user.selectOptions(within(form).getByLabelText('Strategy'), 'Covered Call')
    await user.selectOptions(within(form).getByLabelText('Status'), 'Planned')
    await user.type(within(form).getByLabelText('Tags'), 'bullish, short-term')
    await user.type(within(form).getByLabelText('Notes'), 'Sell the 200 call')
    await user.click(within(form).getByRole('button', { name: 'Create' }))

    const card = await screen.findByRole('article')
    expect(card).toHaveAttribute('data-symbol', 'AAPL')
    expect(within(card).getByRole('button', { name: /^AAPL Covered Call Planned/ })).toHaveAttribute(
      'aria-expanded',
      'false',
    )
    expect(screen.getByRole('tab', { name: 'My Ideas' })).toHaveAttribute('aria-selected', 'true')
    expect(api.callsOf('createIdea')[0]?.[0]).toEqual({
      symbol: 'AAPL',
      strategy: 'Covered Call',
      status: 'Planned',
      tags: ['bullish', 'short-term'],
      notes: 'Sell the 200 call',
    })
    expect(screen.queryByRole('form', { name: 'New idea' })).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Create New Idea' })).toBeVisible()
  })

  it('shows an error next to each wrong field and sends nothing', async () => {
    const { user, api } = await renderApp()
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: 'Create New Idea' }))
    const form = screen.getByRole('form', { name: 'New idea' })
    await user.type(within(form).getByLabelText('Symbol'), '1ab$')
    await user.click(within(form).getByRole('button', { name: 'Create' }))
    const alerts = within(form).getAllByRole('alert')
    expect(alerts.map((a) => a.textContent)).toEqual([expect.stringMatching(/ticker/), 'Choose a strategy'])
    expect(within(form).getByLabelText('Symbol')).toHaveAttribute('aria-invalid', 'true')
    expect(api.callsOf('createIdea')).toHaveLength(0)
  })

  it('shows the backend refusal next to the field it names', async () => {
    const { user } = await renderApp((a) =>
      a.failing.set('createIdea', new ApiError(400, 'symbol is not listed', 'symbol')),
    )
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: 'Create New Idea' }))
    const form = screen.getByRole('form', { name: 'New idea' })
    await user.type(within(form).getByLabelText('Symbol'), 'ZZZZ')
    await user.selectOptions(within(form).getByLabelText('Strategy'), 'Stock')
    await user.click(within(form).getByRole('button', { name: 'Create' }))
    expect(await within(form).findByRole('alert')).toHaveTextContent('symbol is not listed')
  })
})
