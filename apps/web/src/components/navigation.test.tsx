import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { placeFromHash } from '../actions/place'
import { renderApp } from '../test/render-app'

describe('main navigation', () => {
  it('switches pages and keeps the page in the URL hash', async () => {
    const { user } = await renderApp()
    const nav = screen.getByRole('navigation', { name: 'Main' })
    expect(screen.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Friends' }))
    expect(screen.getByRole('heading', { level: 1, name: 'Friends' })).toBeInTheDocument()
    expect(window.location.hash).toBe('#/friends')
    expect(nav.querySelector('[aria-current="page"]')).toHaveTextContent('Friends')
  })

  it('reads a place from a hash, and nothing else', () => {
    const id = '0193a8f0-0000-7000-8000-000000000001'
    expect(placeFromHash('#/collaboration')).toEqual({ page: 'collaboration', tab: 'mine', open: [] })
    expect(placeFromHash(`#/collaboration?tab=shared&open=${id},nope`)).toEqual({
      page: 'collaboration',
      tab: 'shared',
      open: [id],
    })
    expect(placeFromHash('#friends')?.page).toBe('friends')
    expect(placeFromHash('#/nope')).toBeNull()
    expect(placeFromHash('')).toBeNull()
  })
})
