import type { Comment, UserRef } from '@pp/contracts'
import { sqlOf } from '../db/sql.js'
import type { Ctx } from './context.js'
import { friendName } from './store.js'
import type { Tx } from './tx.js'

/**
 * The name shown for a user this backend has no verified name for (not itself, not the sender, no
 * friend record): the id behind a neutral label. Never the name a payload claims, which anyone who can
 * send us an event could have written ("User A"); the full id keeps two unknown users apart, and nobody
 * can pass it off as a name of their choosing.
 */
export function unknownUserName(userId: string): string {
  return `Unknown user ${userId}`
}

/**
 * Display names from verified identity only: this backend's own user for itself, the sender (`from`,
 * named from its friend record) for the sender, a friend record (whose name the friend signed in its
 * request or acceptance) for anyone else,
 * and `unknownUserName` otherwise. Names inside event payloads are never used. Looked up once per user
 * per received event.
 */
export function verifiedNames(ctx: Ctx, tx: Tx, from: UserRef): (userId: string) => Promise<string> {
  const known = new Map<string, string>([
    [from.id, from.displayName],
    [ctx.me.id, ctx.me.displayName],
  ])
  return async (userId) => {
    const cached = known.get(userId)
    if (cached !== undefined) return cached
    const name = (await friendName(sqlOf(tx), userId)) ?? unknownUserName(userId)
    known.set(userId, name)
    return name
  }
}

/** The comment with its author's name replaced by the verified one. */
export async function withVerifiedAuthor<C extends Comment>(
  c: C,
  nameOf: (userId: string) => Promise<string>,
): Promise<C> {
  return { ...c, author: { id: c.author.id, displayName: await nameOf(c.author.id) } }
}
