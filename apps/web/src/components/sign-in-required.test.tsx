import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderApp } from '../test/render-app'
import { ApiError } from '../transport/types'

const UNAUTHORIZED = new ApiError(
  401,
  'Sign-in required: open the sign-in link the backend or launcher printed',
)

describe('sign in required', () => {
  it('asks the user to open the printed sign-in link when the backend answers 401', async () => {
    const { api, user } = await renderApp((a) => a.failing.set('me', UNAUTHORIZED), { connected: false })
    expect(screen.getByRole('heading', { level: 1, name: 'Sign in required' })).toBeInTheDocument()
    expect(screen.getByText(/Open the sign-in link that the launcher/)).toBeInTheDocument()
    expect(screen.queryByText('Cannot reach your backend')).not.toBeInTheDocument()
    // Signed in meanwhile (in another tab): trying again shows the app.
    api.failing.delete('me')
    await user.click(screen.getByRole('button', { name: /try again/ }))
    expect(await screen.findByRole('table', { name: 'Positions' })).toBeInTheDocument()
    expect(screen.queryByRole('heading', { name: 'Sign in required' })).not.toBeInTheDocument()
  })

  it('says why the link of this page did not work', async () => {
    await renderApp(
      (a) => {
        a.failing.set('me', UNAUTHORIZED)
      },
      { connected: false, signInProblem: 'This sign-in link is not valid: it was used already' },
    )
    expect(screen.getByRole('alert')).toHaveTextContent('This sign-in link is not valid: it was used already')
  })
})
