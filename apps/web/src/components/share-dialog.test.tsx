import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { makeIdea, USER_B, USER_C } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'

describe('sharing', () => {
  it('shares with one friend, then removes all shares, with the exact confirmations', async () => {
    const idea = makeIdea()
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
      a.friends_ = [
        { ...USER_B, status: 'accepted', online: true, fingerprint: null, newFingerprint: null },
        { ...USER_C, status: 'accepted', online: false, fingerprint: null, newFingerprint: null },
      ]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    await user.click(screen.getByRole('button', { name: 'Share' }))

    let dialog = await screen.findByRole('dialog', { name: 'Share AAPL' })
    await user.click(await within(dialog).findByRole('checkbox', { name: 'User B' }))
    expect(within(dialog).getAllByRole('img', { name: 'online' })).toHaveLength(1)
    expect(within(dialog).getAllByRole('img', { name: 'offline' })).toHaveLength(1)
    await user.click(within(dialog).getByRole('button', { name: 'Share Position' }))
    expect(await screen.findByText('Position shared with 1 friend')).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent('Position shared with 1 friend')
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(api.callsOf('putShares')).toEqual([[idea.id, [USER_B.id]]])
    expect(screen.getByText('Synced')).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Share' }))
    dialog = await screen.findByRole('dialog', { name: 'Share AAPL' })
    const boxB = await within(dialog).findByRole('checkbox', { name: 'User B' })
    expect(boxB).toBeChecked()
    await user.click(boxB)
    await user.click(within(dialog).getByRole('button', { name: 'Update Sharing' }))
    expect(await screen.findByText('Stopped sharing AAPL with User B')).toBeInTheDocument()
  })

  it('says how many friends when sharing with several', async () => {
    const idea = makeIdea()
    const { user } = await renderApp((a) => {
      a.ideas_ = [idea]
      a.friends_ = [
        { ...USER_B, status: 'accepted', online: true, fingerprint: null, newFingerprint: null },
        { ...USER_C, status: 'accepted', online: true, fingerprint: null, newFingerprint: null },
      ]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    await user.click(screen.getByRole('button', { name: 'Share' }))
    const dialog = await screen.findByRole('dialog', { name: 'Share AAPL' })
    await user.click(await within(dialog).findByRole('checkbox', { name: 'User B' }))
    await user.click(within(dialog).getByRole('checkbox', { name: 'User C' }))
    await user.click(within(dialog).getByRole('button', { name: 'Share Position' }))
    expect(await screen.findByText('Position shared with 2 friends')).toBeInTheDocument()
  })

  it('Cancel closes the dialog without a change', async () => {
    const idea = makeIdea()
    const { user, api } = await renderApp((a) => {
      a.ideas_ = [idea]
    })
    await openCollaboration(user)
    await user.click(screen.getByRole('button', { name: /^AAPL/ }))
    await user.click(screen.getByRole('button', { name: 'Share' }))
    const dialog = await screen.findByRole('dialog', { name: 'Share AAPL' })
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument()
    expect(api.callsOf('putShares')).toHaveLength(0)
  })
})
