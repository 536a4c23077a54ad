import { cleanup, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { applyPlace, placeFromHash } from '../actions/place'
import { resetStore } from '../store/store'
import { makeIdea, USER_B } from '../test/fake-transport'
import { openCollaboration, renderApp } from '../test/render-app'

describe('the place kept across reloads', () => {
  it('puts the tab and the open cards in the URL, and a reload with that URL opens them again', async () => {
    const mine = makeIdea({ symbol: 'DIS' })
    const theirs = { ...makeIdea({ owner: USER_B, symbol: 'PYPL' }), readOnly: true as const }
    const seed = (a: Parameters<NonNullable<Parameters<typeof renderApp>[0]>>[0]) => {
      a.ideas_ = [mine]
      a.shared_ = [theirs]
    }
    const { user } = await renderApp(seed)
    await openCollaboration(user)
    await user.click(screen.getByRole('tab', { name: /Shared With Me/ }))
    await user.click(screen.getByRole('button', { name: /^PYPL/ }))
    expect(window.location.hash).toBe(`#/collaboration?tab=shared&open=${theirs.id}`)

    // A reload: a fresh app reads the place from the URL before it starts.
    const hash = window.location.hash
    cleanup()
    resetStore()
    const place = placeFromHash(hash)
    if (place) applyPlace(place)
    const { api } = await renderApp(seed)
    expect(screen.getByRole('tab', { name: /Shared With Me/ })).toHaveAttribute('aria-selected', 'true')
    expect(screen.getByRole('button', { name: /^PYPL/ })).toHaveAttribute('aria-expanded', 'true')
    await expect.poll(() => api.callsOf('comments')).toContainEqual([theirs.id])
  })

  it('keeps an unsent comment draft through a reload, and forgets it once sent', async () => {
    const idea = makeIdea({ symbol: 'SNOW' })
    const seed = (a: Parameters<NonNullable<Parameters<typeof renderApp>[0]>>[0]) => {
      a.ideas_ = [idea]
    }
    const first = await renderApp(seed)
    await openCollaboration(first.user)
    await first.user.click(screen.getByRole('button', { name: /^SNOW/ }))
    await first.user.type(screen.getByRole('textbox', { name: /comment/i }), 'Wait for earnings')
    const hash = window.location.hash
    cleanup()
    resetStore()
    const place = placeFromHash(hash)
    if (place) applyPlace(place)
    const second = await renderApp(seed)
    const box = await screen.findByRole('textbox', { name: /comment/i })
    expect(box).toHaveValue('Wait for earnings')
    await second.user.type(box, '{Enter}')
    await expect.poll(() => second.api.callsOf('addComment')).toEqual([[idea.id, 'Wait for earnings']])
    expect(window.localStorage.length).toBe(0)
  })
})
