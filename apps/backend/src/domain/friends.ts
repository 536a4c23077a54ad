import type { Friend, UserRef } from '@pp/contracts'
import { fingerprint } from '@pp/contracts/sealing'
import { acceptOfferedKeys } from '../crypto/keyring.js'
import type { Friend as FriendRow, PeerKey } from '../generated/prisma/client.js'
import type { Ctx } from './context.js'
import type { Effects } from './effects.js'
import { badRequest, notFound } from './errors.js'
import { removeReceivedIdeasOf, revokeSharesWith } from './ideas.js'
import { enqueue } from './outbox.js'
import { inTx, type Tx } from './tx.js'

export type FriendStatus = Friend['status']

export function toFriend(ctx: Ctx, row: FriendRow, key: PeerKey | null): Friend {
  return {
    id: row.userId,
    displayName: row.displayName,
    status: row.status as FriendStatus,
    online: ctx.isOnline(row.userId),
    fingerprint: key?.boxKey ? fingerprint({ sign: key.signKey, box: key.boxKey }) : null,
    newFingerprint:
      key?.offeredSignKey && key.offeredBoxKey
        ? fingerprint({ sign: key.offeredSignKey, box: key.offeredBoxKey })
        : null,
  }
}

async function friendOf(ctx: Ctx, tx: Tx, row: FriendRow): Promise<Friend> {
  return toFriend(ctx, row, await tx.peerKey.findUnique({ where: { userId: row.userId } }))
}

export async function listFriends(ctx: Ctx): Promise<Friend[]> {
  const rows = await ctx.db.friend.findMany({ orderBy: [{ displayName: 'asc' }, { userId: 'asc' }] })
  const keys = await ctx.db.peerKey.findMany({ where: { userId: { in: rows.map((r) => r.userId) } } })
  const byId = new Map(keys.map((k) => [k.userId, k]))
  return rows.map((r) => toFriend(ctx, r, byId.get(r.userId) ?? null))
}

/** POST /friends/:userId/accept-key: the friend's offered keys replace the pinned ones. */
export async function acceptFriendKeys(ctx: Ctx, userId: string): Promise<Friend> {
  return inTx(ctx, async (tx, fx) => {
    const row = await tx.friend.findUnique({ where: { userId } })
    if (row === null) throw notFound('friend')
    if (!(await acceptOfferedKeys(tx, userId))) throw notFound('new key for this friend')
    fx.peers.add(userId)
    fx.friends = true
    ctx.log.warn({ peer: userId }, `New keys of ${row.displayName} accepted by the user`)
    return friendOf(ctx, tx, row)
  })
}

/** Everyone the relay should tell us about: friends and pending requests either way. */
export async function watchedUserIds(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db.friend.findMany({ select: { userId: true } })
  return rows.map((r) => r.userId)
}

export async function isFriend(tx: Tx, userId: string): Promise<boolean> {
  const row = await tx.friend.findUnique({ where: { userId } })
  return row?.status === 'accepted'
}

function nameOf(ctx: Ctx, userId: string): string {
  return ctx.names.label(userId)
}

/** POST /friends: sends a request; a request crossing theirs (or an existing friendship) accepts. */
export async function requestFriend(ctx: Ctx, userId: string): Promise<Friend> {
  if (userId === ctx.me.id) throw badRequest('userId', 'userId: you cannot befriend yourself')
  return inTx(ctx, async (tx, fx) => {
    const existing = await tx.friend.findUnique({ where: { userId } })
    if (existing?.status === 'accepted' || existing?.status === 'outgoing') return friendOf(ctx, tx, existing)
    if (existing?.status === 'incoming') return acceptIn(ctx, tx, fx, existing)
    const row = await tx.friend.create({
      data: { userId, displayName: nameOf(ctx, userId), status: 'outgoing' },
    })
    await enqueue(tx, fx, [userId], { type: 'friend_request', user: ctx.me, keys: ctx.keys.publicKeys })
    fx.friends = true
    return friendOf(ctx, tx, row)
  })
}

export async function acceptFriend(ctx: Ctx, userId: string): Promise<Friend> {
  return inTx(ctx, async (tx, fx) => {
    const existing = await tx.friend.findUnique({ where: { userId } })
    if (existing === null) throw notFound('friend request')
    if (existing.status === 'accepted') return friendOf(ctx, tx, existing)
    if (existing.status !== 'incoming') throw notFound('friend request')
    return acceptIn(ctx, tx, fx, existing)
  })
}

async function acceptIn(ctx: Ctx, tx: Tx, fx: Effects, row: FriendRow): Promise<Friend> {
  const updated = await tx.friend.update({ where: { userId: row.userId }, data: { status: 'accepted' } })
  await enqueue(tx, fx, [row.userId], { type: 'friend_accepted', user: ctx.me, keys: ctx.keys.publicKeys })
  fx.friends = true
  return friendOf(ctx, tx, updated)
}

/** DELETE /friends/:userId: removes a friend or a request; shares either way end. */
export async function removeFriend(ctx: Ctx, userId: string): Promise<void> {
  await inTx(ctx, async (tx, fx) => {
    const existing = await tx.friend.findUnique({ where: { userId } })
    if (existing === null) throw notFound('friend')
    await tx.friend.delete({ where: { userId } })
    await enqueue(tx, fx, [userId], { type: 'friend_removed' })
    await endFriendship(ctx, tx, fx, { id: userId, displayName: existing.displayName })
    fx.friends = true
  })
}

/** After a friendship ends: my ideas are no longer shared with them, their ideas leave my view. */
export async function endFriendship(ctx: Ctx, tx: Tx, fx: Effects, user: UserRef): Promise<void> {
  await revokeSharesWith(ctx, tx, fx, user)
  await removeReceivedIdeasOf(tx, fx, user.id)
}
