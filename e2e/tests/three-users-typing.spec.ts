import { expect, test } from '../support/fixtures'
import { card, createIdea, expand, openShareDialog, openTab, typeComment } from '../support/ui'

// With three users, a sharee's typing reaches the other sharee too: the idea's owner passes it on.
test('three users: C sees that B is typing on an idea A shares with both', async ({
  userA,
  userB,
  userC,
  sym,
}) => {
  const symbol = sym('PLTR')
  await createIdea(userA.page, { symbol, strategy: 'Long Call', status: 'Watching' })
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
  await expand(onC, symbol)
  await typeComment(onB, 'Thinking about the March calls')
  await expect(onC.getByText(/is typing…$/)).toBeVisible()
  await expect(card(userA.page, symbol).getByText('User B is typing…')).toBeVisible()
})
