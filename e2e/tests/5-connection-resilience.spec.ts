import { expect, test } from '../support/fixtures'
import {
  appears,
  badge,
  badgeReads,
  card,
  cardCss,
  commentItems,
  createIdea,
  expand,
  goTo,
  openShareDialog,
  openTab,
  sendComment,
  typeComment,
} from '../support/ui'

// Guide, Test 5: the relay stops; both sides go Offline but keep working; after it restarts they are
// Live again and what was written meanwhile is delivered.
test('connection resilience: relay down → Offline, local work goes on, comments delivered after restart', async ({
  userA,
  userB,
  relay,
  latency,
  sym,
}) => {
  const symbol = sym('TSLA')
  await createIdea(userA.page, { symbol, strategy: 'Long Call', status: 'Watching' })
  await openTab(userB.page, 'Shared With Me')
  await (await openShareDialog(userA.page, symbol, { 'User B': true }, 'Share Position')).click()
  const onA = card(userA.page, symbol)
  const onB = card(userB.page, symbol)
  await expect(onB).toBeVisible()
  await expand(onB, symbol)

  // 1. Stop the relay: both badges say Offline, and why.
  await latency.measure(
    'relay stopped → both badges Offline',
    () => relay.stop(),
    () => Promise.all([badgeReads(userA.page, 'Offline'), badgeReads(userB.page, 'Offline')]),
  )
  await expect(badge(userA.page)).toHaveAttribute('title', /relay/i)
  await expect(badge(userB.page)).toHaveAttribute('title', /relay/i)

  // 2. Local features still work: the dashboard, the ideas, creating one.
  for (const user of [userA, userB]) {
    await goTo(user.page, 'Dashboard')
    const positions = user.page.getByRole('table', { name: 'Positions' })
    await expect(positions).toBeVisible()
    await expect(positions.getByRole('row').nth(1)).toBeVisible()
  }
  const offlineIdea = sym('RIVN')
  await createIdea(userA.page, { symbol: offlineIdea, strategy: 'Stock', status: 'Planned' })
  await openTab(userB.page, 'Shared With Me')
  await expect(onB).toBeVisible()

  // 3. Comments written while the relay is down.
  await openTab(userA.page, 'My Ideas')
  await expand(onA, symbol)
  await expand(onB, symbol)
  const fromB = 'Written by B while the relay was down'
  const fromA = 'Written by A while the relay was down'
  await typeComment(onB, fromB)
  await sendComment(onB)
  await expect(commentItems(onB).filter({ hasText: fromB })).toContainText('Sending…')
  await typeComment(onA, fromA)
  await sendComment(onA)
  await expect(commentItems(onA).filter({ hasText: fromA })).toBeVisible()
  await expect(commentItems(onA).filter({ hasText: fromB })).toHaveCount(0)

  // 4. Restart the relay: both sides reconnect and the waiting comments are delivered.
  const restarted = Date.now()
  await relay.start()
  await Promise.all([
    appears(userA.page, `${cardCss(symbol)} [aria-label="Comments"] li`, fromB).then(() =>
      latency.record('relay restarted → offline comment by User B visible to User A', Date.now() - restarted),
    ),
    appears(userB.page, `${cardCss(symbol)} [aria-label="Comments"] li`, fromA).then(() =>
      latency.record('relay restarted → offline comment by User A visible to User B', Date.now() - restarted),
    ),
    badgeReads(userA.page, 'Live').then(() =>
      latency.record('relay restarted → User A Live', Date.now() - restarted),
    ),
    badgeReads(userB.page, 'Live').then(() =>
      latency.record('relay restarted → User B Live', Date.now() - restarted),
    ),
  ])
  await expect(badge(userA.page)).toHaveText('Live')
  await expect(badge(userB.page)).toHaveText('Live')
  await expect(commentItems(onB).filter({ hasText: fromB })).not.toContainText('Sending…')
  await expect(commentItems(onA).filter({ hasText: fromB })).toContainText('User B')
  await expect(commentItems(onB).filter({ hasText: fromA })).toContainText('User A')

  // 5. Collaboration works again: a fresh comment goes through.
  const after = 'Back online'
  await typeComment(onA, after)
  await latency.measure(
    'comment by User A after reconnect → visible to User B',
    () => sendComment(onA),
    () => appears(userB.page, `${cardCss(symbol)} [aria-label="Comments"] li`, after),
  )
})
