import { expect, test } from '../support/fixtures'
import { authOf } from '../support/stack'
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
  toast,
  typeComment,
} from '../support/ui'

// Guide, "Add more users": with three users, each sharee sees only what was shared with them.
test('three users: C sees only what A shares with C, B only what A shares with B', async ({
  userA,
  userB,
  userC,
  latency,
  sym,
}) => {
  const forC = sym('NFLX')
  const forB = sym('META')
  await createIdea(userA.page, { symbol: forC, strategy: 'Long Put', status: 'Planned' })
  await createIdea(userA.page, { symbol: forB, strategy: 'Vertical Spread', status: 'Planned' })
  await openTab(userB.page, 'Shared With Me')
  await openTab(userC.page, 'Shared With Me')

  const shareC = await openShareDialog(
    userA.page,
    forC,
    { 'User B': false, 'User C': true },
    'Share Position',
  )
  await Promise.all([
    latency.measure(
      'share → visible to User C',
      () => shareC.click(),
      () => appears(userC.page, cardCss(forC)),
    ),
    expect(toast(userA.page, 'Position shared with 1 friend')).toBeVisible(),
  ])
  const shareB = await openShareDialog(
    userA.page,
    forB,
    { 'User B': true, 'User C': false },
    'Share Position',
  )
  await latency.measure(
    'share → visible to User B',
    () => shareB.click(),
    () => appears(userB.page, cardCss(forB)),
  )

  const onC = card(userC.page, forC)
  await expect(onC).toContainText('Shared by User A')
  await expect(onC).toContainText('Read-only')
  await expect(card(userB.page, forB)).toContainText('Shared by User A')

  // C comments; the owner sees it, B (not a sharee of that idea) never gets it.
  await expand(onC, forC)
  const note = 'Only C and A can read this'
  await typeComment(onC, note)
  await latency.measure(
    'comment by User C → visible to User A',
    () => sendComment(onC),
    () => appears(userA.page, `${cardCss(forC)} [aria-label="Comments"] li`, note),
  )
  const onA = card(userA.page, forC)
  await expect(commentItems(onA).filter({ hasText: note })).toContainText('User C')

  // Each sharee's view holds only its own share: in the UI and in its backend.
  await expect(card(userC.page, forB)).toHaveCount(0)
  await expect(card(userB.page, forC)).toHaveCount(0)
  const shared = async (apiUrl: string) => {
    const res = await fetch(`${apiUrl}/shared`, { headers: authOf(apiUrl) })
    return ((await res.json()) as Array<{ symbol: string }>).map((i) => i.symbol)
  }
  const onBackendC = await shared(userC.apiUrl)
  const onBackendB = await shared(userB.apiUrl)
  expect(onBackendC).toContain(forC)
  expect(onBackendC).not.toContain(forB)
  expect(onBackendB).toContain(forB)
  expect(onBackendB).not.toContain(forC)
})
