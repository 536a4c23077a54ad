import type { PublicKeys } from '@pp/contracts'
import { type OwnKeys, Sealer } from '@pp/contracts/sealing'
import type { Db, Prisma } from '../db/client.js'
import type { PeerKey } from '../generated/prisma/client.js'

export type KeySource = 'hello' | 'introduced'
/** What learning a key did: first contact pinned it, it was the pinned one, or it differs (offered). */
export type Learnt = 'pinned' | 'same' | 'changed'

/**
 * This backend's keys and the pinned keys of everyone it has met. Reads are cached; a write happens in
 * the caller's transaction and the cache entry is dropped after the commit (`forget`, through Effects).
 */
export class KeyRing {
  readonly sealer: Sealer
  private readonly cache = new Map<string, PeerKey | null>()

  constructor(
    readonly meId: string,
    readonly own: OwnKeys,
    private readonly db: Db,
  ) {
    this.sealer = new Sealer(meId, own)
  }

  get publicKeys(): PublicKeys {
    return this.own.public
  }

  async peer(userId: string): Promise<PeerKey | null> {
    if (this.cache.has(userId)) return this.cache.get(userId) ?? null
    const row = await this.db.peerKey.findUnique({ where: { userId } })
    if (this.cache.size > 10_000) this.cache.clear()
    this.cache.set(userId, row)
    return row
  }

  /** Both keys of a peer, when this backend can seal for it and open what it sends. */
  async sealingKeys(userId: string): Promise<PublicKeys | null> {
    const row = await this.peer(userId)
    return row?.boxKey ? { sign: row.signKey, box: row.boxKey } : null
  }

  forget(userId: string): void {
    this.cache.delete(userId)
  }
}

/**
 * A peer's keys from a `hello` (both keys): pinned at first contact, or completing an author key that
 * only an owner's introduction gave; a different key is kept as offered, for the user to accept.
 */
export async function learnKeys(
  tx: Prisma.TransactionClient,
  userId: string,
  keys: PublicKeys,
): Promise<Learnt> {
  const row = await tx.peerKey.findUnique({ where: { userId } })
  if (row === null) {
    await tx.peerKey.create({ data: { userId, signKey: keys.sign, boxKey: keys.box, source: 'hello' } })
    return 'pinned'
  }
  if (row.signKey === keys.sign && (row.boxKey === null || row.boxKey === keys.box)) {
    if (row.boxKey === null) await tx.peerKey.update({ where: { userId }, data: { boxKey: keys.box } })
    return row.boxKey === null ? 'pinned' : 'same'
  }
  if (row.offeredSignKey !== keys.sign || row.offeredBoxKey !== keys.box) {
    await tx.peerKey.update({
      where: { userId },
      data: { offeredSignKey: keys.sign, offeredBoxKey: keys.box, offeredAt: new Date() },
    })
  }
  return 'changed'
}

/** A comment author's signing key as an idea's owner gives it: pinned if new, compared otherwise. */
export async function learnSignKey(
  tx: Prisma.TransactionClient,
  userId: string,
  signKey: string,
): Promise<Learnt> {
  const row = await tx.peerKey.findUnique({ where: { userId } })
  if (row === null) {
    await tx.peerKey.create({ data: { userId, signKey, source: 'introduced' } })
    return 'pinned'
  }
  return row.signKey === signKey ? 'same' : 'changed'
}

/** The user accepts a friend's changed keys: they replace the pinned ones. */
export async function acceptOfferedKeys(tx: Prisma.TransactionClient, userId: string): Promise<boolean> {
  const row = await tx.peerKey.findUnique({ where: { userId } })
  if (row?.offeredSignKey == null) return false
  await tx.peerKey.update({
    where: { userId },
    data: {
      signKey: row.offeredSignKey,
      boxKey: row.offeredBoxKey,
      pinnedAt: new Date(),
      offeredSignKey: null,
      offeredBoxKey: null,
      offeredAt: null,
    },
  })
  return true
}
