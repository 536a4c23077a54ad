import { expect, test } from '../support/fixtures'
import { logOf } from '../support/stack'
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

// Guide, Test 2: comments sync both ways between the owner and the sharee, with author names.
test('real-time comments: B comments on the shared idea, A sees it and replies, B sees the reply', async ({
  userA,
  userB,
  latency,
  sym,
}) => {
  const symbol = sym('MSFT')
  await createIdea(userA.page, { symbol, strategy: 'Covered Call', status: 'Planned' })
  await openTab(userB.page, 'Shared With Me')
  await (await openShareDialog(userA.page, symbol, { 'User B': true }, 'Share Position')).click()

  const onB = card(userB.page, symbol)
  await expect(onB).toBeVisible()
  await expand(onB, symbol)
  const onA = card(userA.page, symbol)
  await expand(onA, symbol)

  const question = 'Great setup! I like this trade.'
  // Typing shows on the other side ("User B is typing…", ephemeral).
  await latency.measure(
    'typing by User B → visible to User A',
    () => typeComment(onB, question),
    () => appears(userA.page, cardCss(symbol), 'User B is typing…'),
  )
  await latency.measure(
    'comment by User B → visible to User A',
    () => sendComment(onB),
    () => appears(userA.page, `${cardCss(symbol)} [aria-label="Comments"] li`, question),
  )
  // Immediately on B's side, then confirmed by the owner (no longer "Sending…").
  const mineOnB = commentItems(onB).filter({ hasText: question })
  await expect(mineOnB).toContainText('User B')
  await expect(mineOnB).not.toContainText('Sending…')
  const onAItem = commentItems(onA).filter({ hasText: question })
  await expect(onAItem).toHaveCount(1)
  await expect(onAItem).toContainText('User B')

  const reply = 'Thanks! Let me know if you have suggestions.'
  await typeComment(onA, reply)
  await latency.measure(
    'comment by User A → visible to User B',
    () => sendComment(onA),
    () => appears(userB.page, `${cardCss(symbol)} [aria-label="Comments"] li`, reply),
  )
  await expect(commentItems(onA).filter({ hasText: reply })).toContainText('User A')
  const replyOnB = commentItems(onB).filter({ hasText: reply })
  await expect(replyOnB).toHaveCount(1)
  await expect(replyOnB).toContainText('User A')

  // Same thread, same order, on both sides.
  await expect(commentItems(onA)).toHaveCount(2)
  await expect(commentItems(onB)).toHaveCount(2)
  await expect(commentItems(onA).nth(0)).toContainText(question)
  await expect(commentItems(onB).nth(0)).toContainText(question)
  await expect(commentItems(onA).nth(1)).toContainText(reply)
  await expect(commentItems(onB).nth(1)).toContainText(reply)

  // The guide's backend verification: comment_added went through the relay both ways.
  await expect
    .poll(() => logOf('relay'))
    .toContain('comment_added event routed from User B: delivered to User A')
  await expect
    .poll(() => logOf('relay'))
    .toContain('comment_added event routed from User A: delivered to User B')
  // …and each backend logged sending it, receiving the other's, and the broadcast to its browser.
  await expect.poll(() => logOf('a')).toContain('comment_added event sent to User B')
  await expect.poll(() => logOf('b')).toContain('Received comment_added event from User A')
  await expect.poll(() => logOf('b')).toMatch(/WebSocket broadcast comment:upserted to [1-9]\d* browser/)
})
