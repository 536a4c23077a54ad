import type { PublicKeys, UserRef } from '@pp/contracts'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { endFriendship } from './friends.js'
import { applied, type Handled, ignored, refused } from './inbound-outcome.js'
import { notify } from './notifications.js'
import { enqueue } from './outbox.js'
import type { Tx } from './tx.js'

/**
 * The sender with the name it signed for itself (a friend request or acceptance is the one place a
 * user's own display name comes from); the id is always the relay-verified one.
 */
export function signedUser(from: UserRef, user: UserRef): UserRef | null {
  return user.id === from.id ? { id: from.id, displayName: user.displayName } : null
}

/** The keys in a friend request or acceptance must be the ones the sender's `hello` pinned. */
async function keysProblem(tx: Tx, userId: string, keys: PublicKeys): Promise<string | null> {
  const row = await tx.peerKey.findUnique({ where: { userId } })
  if (row === null) return 'no pinned keys for the sender'
  return row.signKey === keys.sign && row.boxKey === keys.box ? null : 'keys differ from the pinned ones'
}

export async function onFriendRequest(
  ctx: Ctx,
  tx: Tx,
  fx: Effects,
  signed: UserRef | null,
  keys: PublicKeys,
): Promise<Handled> {
  if (signed === null) return refused('a friend request for someone else')
  const from = signed
  const problem = await keysProblem(tx, from.id, keys)
  if (problem !== null) return refused(problem)
  const row = await tx.friend.findUnique({ where: { userId: from.id } })
  fx.friends = true
  if (row === null) {
    await tx.friend.create({ data: { userId: from.id, displayName: from.displayName, status: 'incoming' } })
    await notify(tx, fx, 'friend_request', `${from.displayName} sent you a friend request`)
    return applied
  }
  if (row.status === 'outgoing') {
    // Requests crossed: both sides become friends.
    await tx.friend.update({
      where: { userId: from.id },
      data: { status: 'accepted', displayName: from.displayName },
    })
    await enqueue(tx, fx, [from.id], { type: 'friend_accepted', user: ctx.me, keys: ctx.keys.publicKeys })
    await notify(tx, fx, 'friend_accepted', `You and ${from.displayName} are now friends`)
    return applied
  }
  await tx.friend.update({ where: { userId: from.id }, data: { displayName: from.displayName } })
  if (row.status === 'accepted') {
    // They lost track of us: answer again so both sides agree.
    await enqueue(tx, fx, [from.id], { type: 'friend_accepted', user: ctx.me, keys: ctx.keys.publicKeys })
  }
  return ignored(`already ${row.status}`)
}

export async function onFriendAccepted(
  _ctx: Ctx,
  tx: Tx,
  fx: Effects,
  signed: UserRef | null,
  keys: PublicKeys,
): Promise<Handled> {
  if (signed === null) return refused('an acceptance for someone else')
  const from = signed
  const problem = await keysProblem(tx, from.id, keys)
  if (problem !== null) return refused(problem)
  const row = await tx.friend.findUnique({ where: { userId: from.id } })
  if (row?.status === 'accepted') return ignored('already friends')
  if (row?.status !== 'outgoing') return refused('friend_accepted that nobody asked for')
  await tx.friend.update({
    where: { userId: from.id },
    data: { status: 'accepted', displayName: from.displayName },
  })
  await notify(tx, fx, 'friend_accepted', `${from.displayName} accepted your friend request`)
  fx.friends = true
  return applied
}

export async function onFriendRemoved(ctx: Ctx, tx: Tx, fx: Effects, from: UserRef): Promise<Handled> {
  const row = await tx.friend.findUnique({ where: { userId: from.id } })
  if (row === null) return ignored('not a friend')
  await tx.friend.delete({ where: { userId: from.id } })
  await endFriendship(ctx, tx, fx, { id: from.id, displayName: row.displayName })
  fx.friends = true
  return applied
}
