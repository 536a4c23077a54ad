import { expect, test } from '../support/fixtures'
import { logOf } from '../support/stack'
import { appears, card, cardCss, createIdea, openShareDialog, openTab, toast } from '../support/ui'

// Guide, Test 1: User A creates a trade idea and shares it with User B, who sees it read-only.
test('position sharing: A shares AAPL with B, who sees it read-only in Shared With Me', async ({
  userA,
  userB,
  latency,
  sym,
}) => {
  const symbol = sym('AAPL')
  await createIdea(userA.page, { symbol, strategy: 'Covered Call', status: 'Planned' })
  await expect(card(userA.page, symbol)).toContainText('Planned')

  await openTab(userB.page, 'Shared With Me')
  await expect(card(userB.page, symbol)).toHaveCount(0)

  const confirm = await openShareDialog(
    userA.page,
    symbol,
    { 'User B': true, 'User C': false },
    'Share Position',
  )
  // The toast shows on A's side while the idea travels to B (toasts go after a few seconds).
  await Promise.all([
    latency.measure(
      'share → visible to User B',
      () => confirm.click(),
      () => appears(userB.page, cardCss(symbol)),
    ),
    expect(toast(userA.page, 'Position shared with 1 friend')).toBeVisible(),
  ])

  const shared = card(userB.page, symbol)
  await expect(shared).toBeVisible()
  await expect(shared).toContainText('Read-only')
  await expect(shared).toContainText('Shared by User A')
  await expect(shared).toContainText('Covered Call')
  await expect(shared).toContainText('Planned')
  await expect(shared.getByRole('button', { name: 'Share', exact: true })).toHaveCount(0)

  // The guide's backend verification: the relay routed it, B's backend received it.
  await expect
    .poll(() => logOf('relay'))
    .toContain('position_shared event routed from User A: delivered to User B')
  await expect.poll(() => logOf('b')).toContain('Received position_shared event from User A')
})
