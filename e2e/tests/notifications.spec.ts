import type { Page } from '@playwright/test'
import { expect, test } from '../support/fixtures'
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

const bell = (page: Page) => page.getByRole('banner').getByRole('button', { name: /^Notifications/ })

async function readAll(page: Page): Promise<void> {
  await bell(page).click()
  const panel = page.getByRole('dialog', { name: 'Notifications' })
  const markAll = panel.getByRole('button', { name: 'Mark all read' })
  if (await markAll.isEnabled()) await markAll.click()
  await page.keyboard.press('Escape')
  await expect(bell(page)).toHaveAccessibleName('Notifications')
}

// Notifications are quiet for the thread being read, grouped per idea with the newest comment as a preview,
// include status and tag changes, and lead to the idea.
test('notifications: silent while reading the thread, then one group per idea with a preview that opens it', async ({
  userA,
  userB,
  sym,
}) => {
  const symbol = sym('UBER')
  const a = userA.page
  const b = userB.page
  await createIdea(a, { symbol, strategy: 'Long Call', status: 'Planned' })
  await openTab(b, 'Shared With Me')
  await (await openShareDialog(a, symbol, { 'User B': true }, 'Share Position')).click()
  const onA = card(a, symbol)
  const onB = card(b, symbol)
  await expect(onB).toBeVisible()
  await readAll(b)

  // B reads the thread while A comments: the comment shows there, and the bell stays quiet.
  await expand(onB, symbol)
  await typeComment(onA, 'Earnings next week')
  await sendComment(onA)
  await expect(commentItems(onB).filter({ hasText: 'Earnings next week' })).toBeVisible()
  await expect(bell(b)).toHaveAccessibleName('Notifications')

  // B leaves for the Dashboard; two comments and a status and a tag change arrive meanwhile.
  await cardHeader(onB, symbol).click()
  await goTo(b, 'Dashboard')
  await typeComment(onA, 'First leg filled')
  await sendComment(onA)
  await typeComment(onA, 'Second leg at 2.10')
  await sendComment(onA)
  await expect(commentItems(onA)).toHaveCount(3)
  await onA.getByLabel('Status', { exact: true }).selectOption('Watching')
  await onA.getByRole('textbox', { name: 'Add tag' }).fill('momentum')
  await onA.getByRole('button', { name: 'Add tag' }).click()
  await expect(bell(b)).toHaveAccessibleName('Notifications, 4 unread')

  await bell(b).click()
  const panel = b.getByRole('dialog', { name: 'Notifications' })
  const group = panel.getByRole('listitem').filter({ hasText: `User A changed ${symbol}` })
  await expect(group).toHaveCount(1)
  await expect(group).toContainText(`User A changed ${symbol}: added momentum`)
  await expect(group).toContainText('4 new')
  await expect(group).toContainText('User A: “Second leg at 2.10”')
  // One row for the idea: its comments and changes are not listed one by one.
  await expect(panel.getByText(`User A commented on ${symbol}`)).toHaveCount(0)
  await expect(panel.getByText(`User A changed ${symbol}: status Planned → Watching`)).toHaveCount(0)

  await group.getByRole('button').first().click()
  await expect(panel).toBeHidden()
  await expect(b.getByRole('tab', { name: 'Shared With Me' })).toHaveAttribute('aria-selected', 'true')
  await expect(cardHeader(onB, symbol)).toHaveAttribute('aria-expanded', 'true')
  await expect(bell(b)).toHaveAccessibleName('Notifications')
})
