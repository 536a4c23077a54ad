import { expect, test } from '../support/fixtures'
import { appears, card, cardCss, createIdea, expand, openShareDialog, openTab } from '../support/ui'

// Guide, Test 3: tag and status changes by the owner reach the sharee.
test('position updates: tags bullish, short-term and status Planned → Watching reach B', async ({
  userA,
  userB,
  latency,
  sym,
}) => {
  const symbol = sym('NVDA')
  await createIdea(userA.page, { symbol, strategy: 'Covered Call', status: 'Planned' })
  await openTab(userB.page, 'Shared With Me')
  await (await openShareDialog(userA.page, symbol, { 'User B': true }, 'Share Position')).click()
  const onB = card(userB.page, symbol)
  await expect(onB).toBeVisible()
  await expand(onB, symbol)
  await expect(onB).toContainText('Planned')

  const onA = card(userA.page, symbol)
  await expand(onA, symbol)
  const addTag = onA.getByRole('textbox', { name: 'Add tag' })

  await addTag.fill('bullish')
  await latency.measure(
    'tag → visible to User B',
    () => addTag.press('Enter'),
    () => appears(userB.page, cardCss(symbol), 'bullish'),
  )
  await expect(onA.getByRole('button', { name: 'Remove tag bullish' })).toBeVisible()

  await addTag.fill('short-term')
  await onA.getByRole('button', { name: 'Add tag', exact: true }).click()
  await expect(onA.getByRole('button', { name: 'Remove tag short-term' })).toBeVisible()
  await expect(onB).toContainText('bullish')
  await expect(onB).toContainText('short-term')
  // Read-only for B: no tag editing.
  await expect(onB.getByRole('button', { name: 'Remove tag bullish' })).toHaveCount(0)
  await expect(onB.getByRole('textbox', { name: 'Add tag' })).toHaveCount(0)

  const status = onA.getByRole('combobox', { name: 'Status' })
  await expect(status).toHaveValue('Planned')
  await latency.measure(
    'status → visible to User B',
    () => status.selectOption('Watching'),
    () => appears(userB.page, cardCss(symbol), 'Watching'),
  )
  await expect(status).toHaveValue('Watching')
  // B's card shows the new status (its history keeps the old one: "changed status Planned → Watching").
  await expect(onB.locator('.status-pill')).toHaveText('Watching')
  await expect(onB).toContainText('Planned → Watching')
  await expect(onB.getByRole('combobox', { name: 'Status' })).toHaveCount(0)
})
