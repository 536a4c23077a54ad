import { act, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { makeComment, makeIdea, USER_A, USER_B } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'

async function openCard(user: Parameters<typeof openCollaboration>[0], name: RegExp) {
  await openCollaboration(user)
  await user.click(await screen.findByRole('button', { name }))
  return screen.getByRole('list', { name: 'Comments' })
}

describe('comments', () => {
  it('shows my comment at once as Sending… and confirms it when the owner has stored it', async () => {
    const shared = { ...makeIdea({ owner: USER_B }), readOnly: true as const }
    const { user, api, live } = await renderApp((a) => {
      a.shared_ = [shared]
    })
    await user.click(screen.getByRole('button', { name: 'Collaboration' }))
    await user.click(screen.getByRole('tab', { name: 'Shared With Me' }))
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    const thread = screen.getByRole('list', { name: 'Comments' })

    const release = api.hold('addComment')
    await user.type(
      screen.getByRole('textbox', { name: 'Comment' }),
      'Great setup! I like this trade.{Enter}',
    )
    const item = within(thread).getByText('Great setup! I like this trade.').closest('li')
    expect(item).not.toBeNull()
    expect(within(item as HTMLElement).getByText('Sending…')).toBeInTheDocument()
    expect(within(item as HTMLElement).getByText('User A')).toBeInTheDocument()
    expect(screen.getByRole('textbox', { name: 'Comment' })).toHaveValue('')

    release()
    // The backend answers pending (the owner has not stored it yet): still Sending…, one entry.
    await screen.findByText('Great setup! I like this trade.')
    const saved = api.comments_.get(shared.id)?.[0]
    expect(saved?.pending).toBe(true)
    await within(thread).findAllByText('Sending…')
    expect(within(thread).getAllByRole('listitem')).toHaveLength(1)

    if (!saved) throw new Error('no saved comment')
    act(() => live.server('comment:upserted', { ...saved, pending: false }))
    expect(within(thread).queryByText('Sending…')).not.toBeInTheDocument()
    expect(within(thread).getAllByRole('listitem')).toHaveLength(1)
  })

  it('adds comments from others live, with their author, in time order, once each', async () => {
    const idea = makeIdea()
    const { user, live } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    const thread = await openCard(user, /^AAPL/)
    const later = makeComment(idea.id, USER_B, 'Comment 2 from User B')
    const earlier = {
      ...makeComment(idea.id, USER_A, 'Comment 1 from User A'),
      createdAt: '2026-11-22T09:00:00.000Z',
    }
    act(() => live.server('comment:upserted', later))
    act(() => live.server('comment:upserted', earlier))
    act(() => live.server('comment:upserted', later))
    const items = within(thread).getAllByRole('listitem')
    expect(items.map((li) => li.querySelector('.comment-body')?.textContent)).toEqual([
      'Comment 1 from User A',
      'Comment 2 from User B',
    ])
    expect(within(items[1] as HTMLElement).getByText('User B')).toBeInTheDocument()
  })

  it('sends with the Send button too, and the owner’s own comment is confirmed by the answer', async () => {
    const idea = makeIdea()
    const { user } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    const thread = await openCard(user, /^AAPL/)
    await user.type(
      screen.getByRole('textbox', { name: 'Comment' }),
      'Thanks! Let me know if you have suggestions.',
    )
    await user.click(screen.getByRole('button', { name: 'Send' }))
    await within(thread).findByText('Thanks! Let me know if you have suggestions.')
    await expect.poll(() => within(thread).queryByText('Sending…')).toBeNull()
  })

  it('marks a comment that could not be sent, and sends it again on Retry', async () => {
    const idea = makeIdea()
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    const thread = await openCard(user, /^AAPL/)
    const { ApiError } = await import('../transport/types')
    api.failing.set('addComment', new ApiError(0, 'Cannot reach the backend'))
    await user.type(screen.getByRole('textbox', { name: 'Comment' }), 'hello{Enter}')
    expect(await within(thread).findByText('Not sent')).toBeInTheDocument()
    api.failing.delete('addComment')
    await user.click(within(thread).getByRole('button', { name: 'Retry' }))
    await expect.poll(() => within(thread).queryByText('Not sent')).toBeNull()
    expect(within(thread).getAllByRole('listitem')).toHaveLength(1)
  })

  it('writes multi-line comments: Shift+Enter is a new line, Enter sends', async () => {
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [makeIdea()]
    })
    const thread = await openCard(user, /^AAPL/)
    await user.type(
      screen.getByRole('textbox', { name: 'Comment' }),
      'first line{Shift>}{Enter}{/Shift}second line{Enter}',
    )
    const item = await within(thread).findByText(/first line/)
    expect(item.textContent).toBe('first line\nsecond line')
    expect(api.callsOf('addComment').at(-1)?.[1]).toBe('first line\nsecond line')
  })

  it('shows the limit before it bites and refuses to send past it, saying why', async () => {
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [makeIdea()]
    })
    await openCard(user, /^AAPL/)
    const box = screen.getByRole('textbox', { name: 'Comment' })
    await user.click(box)
    await user.paste('x'.repeat(4200))
    expect(screen.getByText('4,200 of 5,000 characters')).toBeInTheDocument()
    await user.paste('y'.repeat(2101))
    expect(screen.getByText('Too long: 6,301 of 5,000 characters. Shorten it to send.')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled()
    await user.keyboard('{Enter}')
    expect(api.callsOf('addComment')).toEqual([])
    // Nothing was cut: the whole text is still there to shorten.
    expect((box as HTMLTextAreaElement).value).toHaveLength(6301)
  })

  it('follows the newest comment: after mine, and after theirs while I am at the bottom', async () => {
    const idea = makeIdea()
    const { user, live } = await renderApp((a) => {
      a.ideas_ = [idea]
      a.comments_.set(
        idea.id,
        Array.from({ length: 30 }, (_, i) => makeComment(idea.id, USER_B, `old ${i}`)),
      )
    })
    const thread = await openCard(user, /^AAPL/)
    // jsdom lays nothing out: give the list a height and a scroll height, as a browser would.
    let scrollHeight = 3000
    Object.defineProperty(thread, 'clientHeight', { configurable: true, get: () => 320 })
    Object.defineProperty(thread, 'scrollHeight', { configurable: true, get: () => scrollHeight })
    thread.scrollTop = 0
    thread.dispatchEvent(new Event('scroll'))
    // Reading further up: someone else's comment does not pull me down.
    scrollHeight = 3100
    act(() => live.server('comment:upserted', makeComment(idea.id, USER_B, 'while I read')))
    await within(thread).findByText('while I read')
    expect(thread.scrollTop).toBe(0)
    // My own comment goes to the bottom.
    scrollHeight = 3200
    await user.type(screen.getByRole('textbox', { name: 'Comment' }), 'mine{Enter}')
    await within(thread).findByText('mine')
    expect(thread.scrollTop).toBe(3200)
    // At the bottom, the next one from someone else follows too.
    thread.scrollTop = 3200 - 320
    thread.dispatchEvent(new Event('scroll'))
    scrollHeight = 3300
    act(() => live.server('comment:upserted', makeComment(idea.id, USER_B, 'newest')))
    await within(thread).findByText('newest')
    expect(thread.scrollTop).toBe(3300)
  })
})
