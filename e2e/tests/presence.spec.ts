import { expect, test } from '../support/fixtures'
import { card, cardHeader, createIdea, expand, openShareDialog, openTab, typeComment } from '../support/ui'

const avatar = (scope: import('@playwright/test').Locator, name: string) =>
  scope.getByRole('list', { name: 'In this thread' }).getByRole('img', { name, exact: true })

// Presence: initials per idea for whoever has its thread open or is typing there, "You" for me, and in
// the header me and the friends online now.
test('two users: each sees who is in an idea\'s thread, viewing or typing, and "You"', async ({
  userA,
  userB,
  sym,
}) => {
  const symbol = sym('COIN')
  const header = (p: typeof userA.page) => p.getByRole('banner').getByRole('list', { name: 'Online now' })
  await expect(header(userA.page).getByRole('img', { name: 'You (User A)' })).toHaveText('You')
  await expect(header(userA.page).getByRole('img', { name: 'User B, online' })).toHaveText('UB')

  await createIdea(userA.page, { symbol, strategy: 'Long Put', status: 'Watching' })
  await openTab(userB.page, 'Shared With Me')
  await (await openShareDialog(userA.page, symbol, { 'User B': true }, 'Share Position')).click()
  const onA = card(userA.page, symbol)
  const onB = card(userB.page, symbol)
  await expect(onB).toBeVisible()
  // A has the card open from sharing it: A is "You" in it, and B (card still closed) sees A there.
  await expect(avatar(onA, 'You, viewing')).toHaveText('You')
  await expect(avatar(onB, 'User A, viewing')).toHaveText('UA')

  await expand(onB, symbol)
  await expect(avatar(onA, 'User B, viewing')).toHaveText('UB')
  await typeComment(onB, 'Puts look cheap here')
  await expect(avatar(onA, 'User B, typing')).toBeVisible()

  // B closes the card: A no longer sees B there; A closes it: B no longer sees A.
  await cardHeader(onB, symbol).click()
  await expect(avatar(onA, 'User B, viewing')).toHaveCount(0)
  await expect(avatar(onA, 'User B, typing')).toHaveCount(0)
  await cardHeader(onA, symbol).click()
  await expect(avatar(onB, 'User A, viewing')).toHaveCount(0)
  await expect(onA.getByRole('list', { name: 'In this thread' })).toHaveCount(0)
})

// Three users: the owner passes a sharee's presence on to the other sharee, who may not know them.
test('three users: C sees B viewing and typing on an idea A shares with both', async ({
  userA,
  userB,
  userC,
  sym,
}) => {
  const symbol = sym('SHOP')
  await createIdea(userA.page, { symbol, strategy: 'Covered Call', status: 'Planned' })
  await openTab(userB.page, 'Shared With Me')
  await openTab(userC.page, 'Shared With Me')
  await (
    await openShareDialog(userA.page, symbol, { 'User B': true, 'User C': true }, 'Share Position')
  ).click()
  const onB = card(userB.page, symbol)
  const onC = card(userC.page, symbol)
  await expect(onB).toBeVisible()
  await expect(onC).toBeVisible()
  await expand(onB, symbol)
  await expect(avatar(onC, 'User B, viewing')).toBeVisible()
  await expect(avatar(card(userA.page, symbol), 'User B, viewing')).toBeVisible()
  await expand(onC, symbol)
  await typeComment(onC, 'Strike at 110?')
  await expect(avatar(onB, 'User C, typing')).toBeVisible()
  await expect(avatar(onB, 'You, viewing')).toBeVisible()
})
