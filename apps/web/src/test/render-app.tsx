import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { start } from '../actions/start'
import { App } from '../components/app'
import { useStore } from '../store/store'
import { createFakeTransport, type FakeApi, type FakeLive } from './fake-transport'

/** Starts the app against a fake backend; `prepare` seeds it first. */
export async function renderApp(
  prepare?: (api: FakeApi) => void,
  opts: { connected?: boolean; signInProblem?: string } = {},
) {
  const fake = createFakeTransport()
  prepare?.(fake.api)
  // What main.tsx records when the page's sign-in link did not work.
  if (opts.signInProblem) useStore.getState().setSignIn(true, opts.signInProblem)
  const user = userEvent.setup()
  await start(fake.transport)
  if (opts.connected !== false) fake.live.setConnected(true)
  render(<App apiUrl="http://localhost:8000/api/v1" />)
  await screen.findByTestId('connection-badge')
  return { ...fake, user, store: useStore }
}

export async function openCollaboration(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole('button', { name: 'Collaboration' }))
}

export type { FakeApi, FakeLive }
