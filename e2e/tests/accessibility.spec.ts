import { expectAccessible } from '../support/axe'
import { expect, test } from '../support/fixtures'
import { stack } from '../support/stack'
import {
  card,
  cardHeader,
  commentItems,
  createIdea,
  expand,
  goTo,
  openShareDialog,
  openTab,
  sendComment,
  typeComment,
} from '../support/ui'

// axe-core in Chromium on every page and dialog state a user meets: no violation of WCAG 2.1 A/AA
// (contrast included) or of axe's best practices (heading order, landmarks).
test('every page and dialog state passes axe-core with no violations', async ({
  browser,
  userA,
  userB,
  sym,
}) => {
  const symbol = sym('AMD')

  // The sign-in page, as a browser without a session sees it.
  const user = stack().users.find((u) => u.key === 'a')
  if (!user?.webUrl) throw new Error('no web app for User A')
  const stranger = await browser.newContext()
  const signIn = await stranger.newPage()
  await signIn.goto(user.webUrl)
  await expect(signIn.getByRole('heading', { name: 'Sign in required' })).toBeVisible()
  await expectAccessible(signIn, 'the sign-in page')
  await stranger.close()

  const a = userA.page
  await goTo(a, 'Dashboard')
  await expect(a.getByRole('table', { name: 'Positions' })).toHaveAttribute('aria-busy', 'false')
  await expectAccessible(a, 'the dashboard')

  await openTab(a, 'My Ideas')
  await a.getByRole('button', { name: 'Create New Idea' }).click()
  await expect(a.getByRole('form', { name: 'New idea' })).toBeVisible()
  await expectAccessible(a, 'the new idea form')
  await a.getByRole('form', { name: 'New idea' }).getByRole('button', { name: 'Cancel' }).click()

  await createIdea(a, { symbol, strategy: 'Iron Condor', status: 'Planned', tags: 'income', notes: 'Range' })
  await expectAccessible(a, 'the ideas list (My Ideas)')

  await (await openShareDialog(a, symbol, { 'User B': true }, 'Share Position')).click()
  await expect(a.getByRole('dialog')).toBeHidden()
  await openTab(userB.page, 'Shared With Me')
  const onB = card(userB.page, symbol)
  await expect(onB).toBeVisible()
  await expectAccessible(userB.page, 'the ideas list (Shared With Me)')

  await expand(onB, symbol)
  await typeComment(onB, 'Wings look wide enough')
  await sendComment(onB)
  const onA = card(a, symbol)
  await expand(onA, symbol)
  await expect(commentItems(onA)).toHaveCount(1)
  await expectAccessible(a, 'an expanded card with a comment (owner)')
  await expectAccessible(userB.page, 'an expanded card (read-only, shared)')

  await onA.getByRole('button', { name: 'Share', exact: true }).click()
  await expect(a.getByRole('dialog', { name: `Share ${symbol}` })).toBeVisible()
  await expect(a.getByRole('button', { name: 'Update Sharing' })).toBeEnabled()
  await expectAccessible(a, 'the share dialog')
  await a.keyboard.press('Escape')

  await goTo(a, 'Friends')
  await expect(a.getByRole('heading', { name: 'Friends', level: 1 })).toBeVisible()
  await expectAccessible(a, 'the friends page')

  const bell = userB.page.getByRole('button', { name: /^Notifications/ })
  await bell.click()
  await expect(userB.page.getByRole('dialog', { name: 'Notifications' })).toBeVisible()
  await expectAccessible(userB.page, 'the notifications panel')
})

// The share dialog keeps the keyboard inside it while open and gives focus back to its Share button.
test('the share dialog traps focus and returns it to the Share button', async ({ userA, sym }) => {
  const symbol = sym('INTC')
  const page = userA.page
  await createIdea(page, { symbol, strategy: 'Long Call', status: 'Watching' })
  const c = card(page, symbol)
  await expand(c, symbol)
  const share = c.getByRole('button', { name: 'Share', exact: true })
  await share.focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: `Share ${symbol}` })
  await expect(dialog).toBeVisible()
  const inDialog = () => dialog.evaluate((d) => d.contains(document.activeElement))
  await expect.poll(inDialog).toBe(true)
  // Twice around the dialog forwards and once backwards: focus never leaves it.
  const stops = await dialog.locator('button:enabled, input:enabled').count()
  for (let i = 0; i < stops * 2 + 1; i++) {
    await page.keyboard.press('Tab')
    expect(await inDialog()).toBe(true)
  }
  for (let i = 0; i < stops + 1; i++) {
    await page.keyboard.press('Shift+Tab')
    expect(await inDialog()).toBe(true)
  }
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(share).toBeFocused()

  await share.click()
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(share).toBeFocused()
  await expect(cardHeader(c, symbol)).toHaveAttribute('aria-expanded', 'true')
})
