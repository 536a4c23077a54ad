import { expect, test } from '@playwright/test'
import { stack } from '../support/stack'

// The sign-in link the launcher prints (users[].signInUrl in its state file), opened as a newcomer would.
test('the printed sign-in link signs a browser in once; a bare visit is asked to sign in', async ({
  browser,
}) => {
  const user = stack().users.find((u) => u.key === 'c')
  if (!user?.signInUrl || !user.webUrl) throw new Error('the stack printed no sign-in link for User C')

  const newcomer = await browser.newContext()
  const page = await newcomer.newPage()
  await page.goto(user.signInUrl)
  await expect(page.getByTestId('user-name')).toHaveText(user.displayName)
  await expect(page.getByTestId('connection-badge')).toHaveText('Live')
  // The code leaves the address bar at once, and the cookie keeps the browser signed in.
  expect(new URL(page.url()).searchParams.has('code')).toBe(false)
  await page.reload()
  await expect(page.getByTestId('user-name')).toHaveText(user.displayName)
  await newcomer.close()

  // The same link a second time, or no link at all: the sign-in screen, nothing of the user's data.
  for (const url of [user.signInUrl, user.webUrl]) {
    const stranger = await browser.newContext()
    const other = await stranger.newPage()
    await other.goto(url)
    await expect(other.getByRole('heading', { name: 'Sign in required' })).toBeVisible()
    await expect(other.getByTestId('user-name')).not.toHaveText(user.displayName)
    await stranger.close()
  }
})
