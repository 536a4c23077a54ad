import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../test/render-app'
import { pageFromHash } from './app'

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

  it('reads a page name from a hash, and nothing else', () => {
    expect(pageFromHash('#/collaboration')).toBe('collaboration')
    expect(pageFromHash('#friends')).toBe('friends')
    expect(pageFromHash('#/nope')).toBeNull()
    expect(pageFromHash('')).toBeNull()
  })
})
