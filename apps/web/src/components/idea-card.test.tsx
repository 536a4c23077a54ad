import { PROTOCOL_VERSION } from '@pp/contracts'
import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { makeIdea, USER_B } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'

describe('idea card', () => {
  it('says in plain words why a tag is not added, and keeps what was typed', async () => {
    const idea = makeIdea({ tags: ['bullish'] })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL Covered Call Planned/ }))
    const box = screen.getByRole('textbox', { name: 'Add tag' })
    expect(
      screen.getByText('Up to 20 tags of at most 32 characters; commas separate several.'),
    ).toBeInTheDocument()
    await user.type(box, 'bullish{Enter}')
    expect(screen.getByText('AAPL already has the tag “bullish”.')).toBeInTheDocument()
    await user.clear(box)
    await user.type(box, `${'a'.repeat(40)}{Enter}`)
    expect(
      screen.getByText('“aaaaaaaaaaaaaaaaaaaa…” is 40 characters long; a tag can have at most 32.'),
    ).toBeInTheDocument()
    expect(box).toHaveValue('a'.repeat(40))
    expect(api.callsOf('patchIdea')).toEqual([])
  })

  it('adds and removes tags and changes the status of my idea', async () => {
    const idea = makeIdea()
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    const toggle = screen.getByRole('button', { name: /^AAPL Covered Call Planned/ })
    await user.click(toggle)
    expect(toggle).toHaveAttribute('aria-expanded', 'true')

    await user.type(screen.getByRole('textbox', { name: 'Add tag' }), 'bullish{Enter}')
    await user.type(screen.getByRole('textbox', { name: 'Add tag' }), 'short-term')
    await user.click(screen.getByRole('button', { name: 'Add tag' }))
    const tags = screen.getByRole('list', { name: 'Tags' })
    expect(within(tags).getByText('bullish')).toBeInTheDocument()
    expect(await within(tags).findByText('short-term')).toBeInTheDocument()
    await expect.poll(() => api.ideas_[0]?.tags).toEqual(['bullish', 'short-term'])

    await user.click(screen.getByRole('button', { name: 'Remove tag bullish' }))
    await expect.poll(() => api.ideas_[0]?.tags).toEqual(['short-term'])
    expect(within(tags).queryByText('bullish')).not.toBeInTheDocument()

    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Watching')
    expect(screen.getByRole('button', { name: /^AAPL Covered Call Watching/ })).toBeInTheDocument()
    await expect.poll(() => api.ideas_[0]?.status).toBe('Watching')
  })

  it('shows a shared idea read-only, with its owner, and follows live updates', async () => {
    const shared = { ...makeIdea({ owner: USER_B, symbol: 'TSLA' }), readOnly: true as const }
    const { user, live } = await renderApp((a) => {
      a.shared_ = [shared]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('tab', { name: 'Shared With Me' }))
    const card = screen.getByRole('article')
    expect(within(card).getByText('Read-only')).toBeInTheDocument()
    expect(within(card).getByText('Shared by User B')).toBeInTheDocument()
    await user.click(within(card).getByRole('button', { name: /^TSLA/ }))
    expect(within(card).queryByRole('button', { name: 'Share' })).not.toBeInTheDocument()
    expect(within(card).queryByRole('combobox', { name: 'Status' })).not.toBeInTheDocument()
    expect(within(card).queryByRole('textbox', { name: 'Add tag' })).not.toBeInTheDocument()

    act(() => live.server('idea:upserted', { ...shared, tags: ['bullish'], status: 'Watching', version: 2 }))
    expect(within(card).getByText('bullish')).toBeInTheDocument()
    expect(within(card).getByRole('button', { name: /^TSLA Covered Call Watching/ })).toBeInTheDocument()

    // An older snapshot arriving late changes nothing.
    act(() => live.server('idea:upserted', { ...shared, version: 1 }))
    expect(within(card).getByText('bullish')).toBeInTheDocument()
  })

  it('shows a newly shared idea in Shared With Me as it arrives', async () => {
    const { user, live } = await renderApp()
    await openCollaboration(user)
    await user.click(screen.getByRole('tab', { name: 'Shared With Me' }))
    expect(screen.getByText('Nothing shared with you yet.')).toBeInTheDocument()
    const shared = { ...makeIdea({ owner: USER_B }), readOnly: true }
    act(() => live.server('idea:upserted', shared))
    expect(screen.getByRole('article')).toHaveAttribute('data-symbol', 'AAPL')
  })

  it('tells per friend how many changes wait while they are offline', async () => {
    const idea = makeIdea()
    const { user, live } = await renderApp((a) => {
      a.ideas_ = [idea]
      a.shares_.set(idea.id, [USER_B.id])
      a.friends_ = [{ ...USER_B, status: 'accepted', online: false, fingerprint: null, newFingerprint: null }]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    expect(await screen.findByText('Synced')).toBeInTheDocument()
    const peer = {
      user: USER_B,
      online: false,
      pending: 2,
      oldestPendingAgeMs: 500,
      pendingByIdea: { [idea.id]: 2 },
    }
    act(() =>
      live.server('collab:status', {
        enabled: true,
        connected: true,
        since: null,
        relayUrl: null,
        protocol: { backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION },
        peers: [peer],
      }),
    )
    expect(screen.getByText('2 changes waiting for User B — offline')).toBeInTheDocument()
    act(() =>
      live.server('collab:status', {
        enabled: true,
        connected: true,
        since: null,
        relayUrl: null,
        protocol: { backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION },
        peers: [{ ...peer, online: true, pending: 0, oldestPendingAgeMs: null, pendingByIdea: {} }],
      }),
    )
    expect(screen.getByText('Synced')).toBeInTheDocument()
  })
})

describe('quick successive changes', () => {
  it('never steps back to an older version while my changes are on their way', async () => {
    const idea = makeIdea()
    const { user, api, live } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    const release = api.hold('patchIdea')
    await user.type(screen.getByRole('textbox', { name: 'Add tag' }), 'bullish{Enter}')
    await user.type(screen.getByRole('textbox', { name: 'Add tag' }), 'short-term{Enter}')
    const tags = screen.getByRole('list', { name: 'Tags' })
    // The echo of the first change arrives while the second is still on its way.
    act(() => live.server('idea:upserted', { ...idea, tags: ['bullish'], version: 2 }))
    expect(within(tags).getByText('short-term')).toBeInTheDocument()
    release()
    await expect.poll(() => api.ideas_[0]?.tags).toEqual(['bullish', 'short-term'])
    await expect.poll(() => within(tags).queryByText('short-term')).not.toBeNull()
    expect(within(tags).getByText('bullish')).toBeInTheDocument()
  })

  it('shows what the backend holds when a change is refused', async () => {
    const idea = makeIdea({ tags: ['keep'] })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    const { ApiError } = await import('../transport/types')
    api.failing.set('patchIdea', new ApiError(400, 'tags: too many'))
    await user.type(screen.getByRole('textbox', { name: 'Add tag' }), 'extra{Enter}')
    expect(await screen.findByText('Could not update AAPL: tags: too many')).toBeInTheDocument()
    const tags = screen.getByRole('list', { name: 'Tags' })
    expect(within(tags).queryByText('extra')).not.toBeInTheDocument()
    expect(within(tags).getByText('keep')).toBeInTheDocument()
  })
})

describe('notes', () => {
  it('edits the notes of my idea', async () => {
    const idea = makeIdea({ notes: 'Sell the 200 call' })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    expect(screen.getByText('Sell the 200 call')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Edit notes' }))
    const box = screen.getByRole('textbox', { name: 'Notes' })
    await user.clear(box)
    await user.type(box, 'Roll in March')
    await user.click(screen.getByRole('button', { name: 'Save notes' }))
    expect(screen.getByText('Roll in March')).toBeInTheDocument()
    await expect.poll(() => api.ideas_[0]?.notes).toBe('Roll in March')
  })
})
