import type { SignedComment } from '@pp/contracts'
import { signComment } from '@pp/contracts/sealing'
import type { KeyRing } from '../crypto/keyring.js'
import { toComment, toSignedComment } from './mappers.js'
import type { Tx } from './tx.js'

/**
 * An idea's confirmed thread as a `position_shared` carries it, ordered by (createdAt, id): each comment
 * with its author's signature and key. My own comments from before signing existed are signed now (I am
 * their author); someone else's from then cannot be: nobody may sign for its author, so it is left out.
 */
export async function signedThread(
  db: Pick<Tx, 'comment' | 'peerKey'>,
  keys: KeyRing,
  ideaId: string,
): Promise<SignedComment[]> {
  const rows = await db.comment.findMany({
    where: { ideaId, pending: false },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  })
  const authors = [...new Set(rows.map((r) => r.authorId))].filter((a) => a !== keys.meId)
  const pinned = await db.peerKey.findMany({ where: { userId: { in: authors } } })
  const keyOf = new Map(pinned.map((p) => [p.userId, p.signKey]))
  keyOf.set(keys.meId, keys.publicKeys.sign)
  const thread: SignedComment[] = []
  for (const row of rows) {
    if (row.signature !== null) {
      const key = keyOf.get(row.authorId)
      if (key !== undefined) thread.push(toSignedComment({ ...row, signature: row.signature }, key))
    } else if (row.authorId === keys.meId) {
      const c = toComment(row)
      thread.push({ ...c, signature: signComment(keys.own, c), authorKey: keys.publicKeys.sign })
    }
  }
  return thread
}
