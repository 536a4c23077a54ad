import { expect, test } from '../support/fixtures'
import { logOf } from '../support/stack'
import { card, cardCss, createIdea, disappears, openShareDialog, openTab, toast } from '../support/ui'

// Guide, Test 4: the owner removes access; the idea leaves the sharee's view and the sharee is told.
test('share revocation: A unshares AMZN, it disappears for B with "Access to position was revoked"', async ({
  userA,
  userB,
  latency,
  sym,
}) => {
  const symbol = sym('AMZN')
  await createIdea(userA.page, { symbol, strategy: 'Cash-Secured Put', status: 'Planned' })
  await openTab(userB.page, 'Shared With Me')
  await Promise.all([
    (await openShareDialog(userA.page, symbol, { 'User B': true }, 'Share Position')).click(),
    expect(toast(userA.page, 'Position shared with 1 friend')).toBeVisible(),
  ])
  await expect(card(userB.page, symbol)).toBeVisible()

  const update = await openShareDialog(userA.page, symbol, { 'User B': false }, 'Update Sharing')
  // Toasts go after a few seconds: watch for them while the revocation travels.
  await Promise.all([
    latency.measure(
      'revoke → gone for User B',
      () => update.click(),
      () => disappears(userB.page, cardCss(symbol)),
    ),
    // Both toasts name the idea and the person.
    expect(toast(userA.page, `Stopped sharing ${symbol} with User B`)).toBeVisible(),
    expect(
      toast(userB.page, `Access to position was revoked: User A stopped sharing ${symbol} with you`),
    ).toBeVisible(),
  ])
  await expect(card(userB.page, symbol)).toHaveCount(0)
  // A still has the idea.
  await expect(card(userA.page, symbol)).toBeVisible()

  // The revocation is kept in B's notifications.
  await userB.page.getByRole('button', { name: /^Notifications/ }).click()
  const panel = userB.page.getByRole('dialog', { name: 'Notifications' })
  await expect(panel).toBeVisible()
  await expect(panel.getByText('Access to position was revoked').first()).toBeVisible()

  await expect
    .poll(() => logOf('relay'))
    .toContain('share_revoked event routed from User A: delivered to User B')
})
