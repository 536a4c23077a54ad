import type { ActivityEntry } from '@pp/contracts'
import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { fakeId, fakeTime, makeIdea, USER_B } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'

const LEG = {
  type: 'call',
  side: 'sell',
  strike: 200,
  expiry: '2027-01-15',
  premium: 3.2,
  quantity: 1,
} as const

describe('a trade idea’s plan, position and history on its card', () => {
  it('shows prices, legs, my demo position and the history of a shared idea', async () => {
    const idea = makeIdea({
      owner: USER_B,
      readOnly: true,
      entryPrice: 180,
      targetPrice: 200,
      stopPrice: 165,
      legs: [LEG],
    })
    const created: ActivityEntry = {
      id: fakeId(),
      ideaId: idea.id,
      actor: USER_B,
      changes: [{ kind: 'created' }],
      createdAt: fakeTime(),
    }
    const { user, live } = await renderApp((a) => {
      a.shared_ = [{ ...idea, readOnly: true }]
      a.activity_.set(idea.id, [created])
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('tab', { name: 'Shared With Me' }))
    await user.click(screen.getByRole('button', { name: /^AAPL Covered Call Planned/ }))
    const card = screen.getByRole('article')
    expect(within(card).getByLabelText('Prices')).toHaveTextContent('Entry$180.00Target$200.00Stop$165.00')
    const legs = within(card).getByRole('table', { name: 'Option legs' })
    expect(
      within(legs).getByRole('row', { name: /Sell call \$200\.00 2027-01-15 \$3\.20 1/ }),
    ).toBeInTheDocument()
    expect(within(card).queryByRole('button', { name: /Remove leg/ })).not.toBeInTheDocument()
    const held = within(card).getByRole('region', { name: 'Your AAPL position' })
    expect(held).toHaveTextContent('Demo data')
    expect(held).toHaveTextContent('Quantity100Cost$150.00P/L+$4,000.00')
    const history = within(card).getByRole('region', { name: 'History' })
    expect(within(history).getByRole('listitem')).toHaveTextContent(/^User B created the idea/)

    act(() =>
      live.server('activity:added', {
        id: fakeId(),
        ideaId: idea.id,
        actor: USER_B,
        changes: [
          { kind: 'status', from: 'Planned', to: 'Open' },
          { kind: 'price', field: 'stopPrice', from: 165, to: 170 },
        ],
        createdAt: fakeTime(),
      }),
    )
    expect(
      within(history)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      expect.stringMatching(/^User B created the idea/),
      expect.stringMatching(
        /^User B changed status Planned → Open; changed the stop price \$165\.00 → \$170\.00/,
      ),
    ])
  })

  it('refuses a stop above the entry on a long idea in words, and sends nothing', async () => {
    const idea = makeIdea({ strategy: 'Long Call', entryPrice: 100 })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL Long Call Planned/ }))
    await user.click(screen.getByRole('button', { name: 'Edit prices' }))
    const form = screen.getByRole('form', { name: 'Prices' })
    await user.type(within(form).getByLabelText('Stop price'), '120')
    await user.click(within(form).getByRole('button', { name: 'Save prices' }))
    expect(within(form).getByRole('alert')).toHaveTextContent(
      'Stop: must be below the entry price (a Long Call is long)',
    )
    expect(within(form).getByLabelText('Stop price')).toHaveAttribute('aria-invalid', 'true')
    expect(api.callsOf('patchIdea')).toEqual([])

    await user.clear(within(form).getByLabelText('Stop price'))
    await user.type(within(form).getByLabelText('Stop price'), '90')
    await user.type(within(form).getByLabelText('Target price'), '130')
    await user.click(within(form).getByRole('button', { name: 'Save prices' }))
    expect(api.callsOf('patchIdea')).toEqual([[idea.id, { targetPrice: 130, stopPrice: 90 }]])
    expect(await screen.findByLabelText('Prices')).toHaveTextContent('Entry$100.00Target$130.00Stop$90.00')
  })

  it('adds and removes option legs of my idea', async () => {
    const idea = makeIdea({ strategy: 'Iron Condor' })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL Iron Condor Planned/ }))
    const form = screen.getByRole('form', { name: 'Add option leg' })
    await user.click(within(form).getByRole('button', { name: 'Add leg' }))
    expect(within(form).getByText('Strike: a price above 0')).toBeInTheDocument()
    expect(api.callsOf('patchIdea')).toEqual([])
    await user.selectOptions(within(form).getByLabelText('Type'), 'put')
    await user.selectOptions(within(form).getByLabelText('Side'), 'sell')
    await user.type(within(form).getByLabelText('Strike'), '180')
    await user.type(within(form).getByLabelText('Expiry'), '2027-01-15')
    await user.type(within(form).getByLabelText('Premium'), '2.5')
    await user.clear(within(form).getByLabelText('Contracts'))
    await user.type(within(form).getByLabelText('Contracts'), '2')
    await user.click(within(form).getByRole('button', { name: 'Add leg' }))
    const leg = { type: 'put', side: 'sell', strike: 180, expiry: '2027-01-15', premium: 2.5, quantity: 2 }
    expect(api.callsOf('patchIdea')).toEqual([[idea.id, { legs: [leg] }]])
    const table = await screen.findByRole('table', { name: 'Option legs' })
    await user.click(within(table).getByRole('button', { name: 'Remove leg 1: Sell put 180' }))
    expect(api.callsOf('patchIdea')[1]).toEqual([idea.id, { legs: [] }])
  })

  it('marks the Dashboard’s positions as demo data', async () => {
    await renderApp()
    expect(screen.getByText(/These positions are a sample portfolio/)).toBeInTheDocument()
    expect(screen.getByRole('heading', { name: 'Positions Demo data' })).toBeInTheDocument()
  })
})

describe('finding ideas', () => {
  it('searches symbol, notes and tags, filters by status and strategy, and sorts', async () => {
    const ideas = [
      makeIdea({ symbol: 'ORCL', strategy: 'Stock', status: 'Open', tags: ['cloud'] }),
      makeIdea({ symbol: 'ADBE', strategy: 'Long Call', status: 'Planned', notes: 'AI tailwind' }),
      makeIdea({ symbol: 'CRM', strategy: 'Long Call', status: 'Open' }),
    ]
    const { user } = await renderApp((a) => {
      a.ideas_ = ideas
    })
    await openCollaboration(user)
    const symbols = () => screen.getAllByTestId('idea-card').map((c) => c.getAttribute('data-symbol'))
    expect(symbols()).toEqual(['CRM', 'ADBE', 'ORCL'])
    const find = screen.getByLabelText('Find ideas')
    await user.selectOptions(within(find).getByLabelText('Sort by'), 'Symbol (A–Z)')
    expect(symbols()).toEqual(['ADBE', 'CRM', 'ORCL'])
    await user.type(within(find).getByLabelText('Search'), 'cloud')
    expect(symbols()).toEqual(['ORCL'])
    expect(screen.getByText('Showing 1 of 3 ideas')).toBeInTheDocument()
    await user.clear(within(find).getByLabelText('Search'))
    await user.type(within(find).getByLabelText('Search'), 'tailwind')
    expect(symbols()).toEqual(['ADBE'])
    await user.clear(within(find).getByLabelText('Search'))
    await user.selectOptions(within(find).getByLabelText('Filter by status'), 'Open')
    expect(symbols()).toEqual(['CRM', 'ORCL'])
    await user.selectOptions(within(find).getByLabelText('Filter by strategy'), 'Long Call')
    expect(symbols()).toEqual(['CRM'])
    await user.selectOptions(within(find).getByLabelText('Filter by strategy'), 'Covered Call')
    expect(screen.queryAllByTestId('idea-card')).toEqual([])
    expect(screen.getByText(/no idea matches the search and filters/)).toBeInTheDocument()
    // Shared With Me keeps its own.
    await user.click(screen.getByRole('tab', { name: 'Shared With Me' }))
    expect(screen.queryByText(/Showing/)).not.toBeInTheDocument()
  })
})
