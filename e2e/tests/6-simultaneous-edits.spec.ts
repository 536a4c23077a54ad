import { expect, test } from '../support/fixtures'
import {
  appears,
  card,
  cardCss,
  commentItems,
  createIdea,
  expand,
  openShareDialog,
  openTab,
  sendComment,
  typeComment,
} from '../support/ui'

// Guide, Test 6: both users send a comment at the same moment; both land on both sides, in one order.
test('simultaneous comments: both appear on both sides in the same order, none lost', async ({
  userA,
  userB,
  latency,
  sym,
}) => {
  const symbol = sym('GOOG')
  await createIdea(userA.page, { symbol, strategy: 'Iron Condor', status: 'Open' })
  await openTab(userB.page, 'Shared With Me')
  await (await openShareDialog(userA.page, symbol, { 'User B': true }, 'Share Position')).click()
  const onA = card(userA.page, symbol)
  const onB = card(userB.page, symbol)
  await expect(onB).toBeVisible()
  await expand(onA, symbol)
  await expand(onB, symbol)

  const fromA = 'Comment 1 from User A'
  const fromB = 'Comment 2 from User B'
  await typeComment(onA, fromA)
  await typeComment(onB, fromB)
  const items = `${cardCss(symbol)} [aria-label="Comments"] li`
  const sent = Date.now()
  await Promise.all([sendComment(onA), sendComment(onB)])
  await Promise.all([
    appears(userB.page, items, fromA).then(() =>
      latency.record('simultaneous: comment by User A → visible to User B', Date.now() - sent),
    ),
    appears(userA.page, items, fromB).then(() =>
      latency.record('simultaneous: comment by User B → visible to User A', Date.now() - sent),
    ),
  ])

  // Settled: two comments on each side, none pending, the same order everywhere (createdAt, id).
  for (const c of [onA, onB]) {
    await expect(commentItems(c)).toHaveCount(2)
    await expect(c.getByRole('list', { name: 'Comments' })).not.toContainText('Sending…')
    await expect(commentItems(c).filter({ hasText: fromA })).toContainText('User A')
    await expect(commentItems(c).filter({ hasText: fromB })).toContainText('User B')
  }
  const order = async (c: typeof onA) =>
    (await commentItems(c).allTextContents()).map((t) => (t.includes(fromA) ? fromA : fromB))
  const orderOnA = await order(onA)
  expect(new Set(orderOnA).size).toBe(2)
  await expect.poll(() => order(onB)).toEqual(orderOnA)
})
