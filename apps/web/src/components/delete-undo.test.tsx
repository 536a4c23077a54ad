import { act, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { UNDO_DELETE_MS } from '../actions/delete-idea'
import { makeIdea, USER_B } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'

async function openDeleteDialog(user: Awaited<ReturnType<typeof renderApp>>['user']) {
  await openCollaboration(user)
  await user.click(screen.getByRole('button', { name: /^DIS/ }))
  const deleteButton = screen.getByRole('button', { name: 'Delete DIS' })
  await user.click(deleteButton)
  return deleteButton
}

describe('delete with an in-app confirm and Undo', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('asks in the page, not the browser, and Cancel or Escape keeps the idea and gives focus back', async () => {
    const confirm = vi.spyOn(window, 'confirm')
    const idea = makeIdea({ symbol: 'DIS' })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
      a.shares_.set(idea.id, [USER_B.id])
    })
    const deleteButton = await openDeleteDialog(user)
    const dialog = screen.getByRole('alertdialog', { name: 'Delete DIS?' })
    expect(dialog).toHaveTextContent('The friend you shared it with lose it too')
    expect(dialog).toHaveTextContent(`You can undo for ${UNDO_DELETE_MS / 1000} seconds.`)
    expect(dialog).toHaveFocus()
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(deleteButton).toHaveFocus()
    await user.click(deleteButton)
    await user.keyboard('{Escape}')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(screen.getAllByTestId('idea-card')).toHaveLength(1)
    expect(confirm).not.toHaveBeenCalled()
    expect(api.callsOf('deleteIdea')).toEqual([])
  })

  it('hides the idea at once, and Undo brings it back with its shares without telling the backend', async () => {
    const idea = makeIdea({ symbol: 'DIS' })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
      a.shares_.set(idea.id, [USER_B.id])
    })
    await openDeleteDialog(user)
    await user.click(screen.getByRole('button', { name: 'Delete' }))
    expect(screen.queryByTestId('idea-card')).toBeNull()
    const toast = screen.getByText('Deleted DIS').closest('.toast') as HTMLElement
    await user.click(within(toast).getByRole('button', { name: 'Undo' }))
    const card = await screen.findByTestId('idea-card')
    expect(card).toHaveTextContent('Shared with 1 friend')
    expect(screen.getByText('DIS is back')).toBeInTheDocument()
    expect(api.callsOf('deleteIdea')).toEqual([])
    expect(api.ideas_).toHaveLength(1)
  })

  it('deletes on the backend once the Undo has run out, and a reload meanwhile does not bring it back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true })
    const idea = makeIdea({ symbol: 'DIS' })
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openDeleteDialog(user)
    await user.click(screen.getByRole('button', { name: 'Delete' }))
    expect(screen.queryByTestId('idea-card')).toBeNull()
    // A read of the list while the Undo lasts (a reconnect) still leaves it out.
    await act(async () => {
      await import('../actions/load').then((m) => m.loadIdeas())
    })
    expect(screen.queryByTestId('idea-card')).toBeNull()
    expect(api.callsOf('deleteIdea')).toEqual([])
    await act(async () => {
      vi.advanceTimersByTime(UNDO_DELETE_MS)
    })
    await expect.poll(() => api.callsOf('deleteIdea')).toEqual([[idea.id]])
    expect(api.ideas_).toEqual([])
    expect(screen.queryByText('Deleted DIS')).toBeNull()
  })
})
