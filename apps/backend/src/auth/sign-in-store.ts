import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../db/client.js'

/** A sign-in link works once, for a day. */
export const CODE_TTL_MS = 24 * 60 * 60 * 1000
/** A browser stays signed in for 30 days (the cookie's Max-Age), across backend restarts. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000

/** A session id as the cookie carries it: 32 random bytes, base64url. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex')

/**
 * One-time sign-in codes and browser sessions, kept in the user's database by their sha256 only (what
 * is stored cannot be replayed). Valid sessions are cached in memory so a request costs no query.
 */
export class SignInStore {
  private readonly sessions = new Map<string, number>()

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh single-use code (24 random bytes, base64url) valid for CODE_TTL_MS. */
  async createCode(): Promise<{ code: string; expiresAt: Date }> {
    const code = randomBytes(24).toString('base64url')
    const expiresAt = new Date(this.now() + CODE_TTL_MS)
    await this.db.signInCode.deleteMany({ where: { expiresAt: { lte: new Date(this.now()) } } })
    await this.db.signInCode.create({ data: { hash: hash(code), expiresAt } })
    return { code, expiresAt }
  }

  /**
   * Exchanges a valid, unused code for a new session id; undefined when the code is unknown, used or
   * expired. Deleting the row is the single use: of two racing exchanges, one deletes it.
   */
  async exchange(code: string): Promise<{ sessionId: string; expiresAt: Date } | undefined> {
    const used = await this.db.signInCode.deleteMany({
      where: { hash: hash(code), expiresAt: { gt: new Date(this.now()) } },
    })
    if (used.count !== 1) return undefined
    const sessionId = randomBytes(32).toString('base64url')
    const expiresAt = new Date(this.now() + SESSION_TTL_MS)
    await this.db.browserSession.deleteMany({ where: { expiresAt: { lte: new Date(this.now()) } } })
    await this.db.browserSession.create({ data: { hash: hash(sessionId), expiresAt } })
    this.sessions.set(hash(sessionId), expiresAt.getTime())
    return { sessionId, expiresAt }
  }

  /** Whether a cookie's session id names a live session. */
  async isSession(sessionId: string): Promise<boolean> {
    if (!SESSION_ID.test(sessionId)) return false
    const key = hash(sessionId)
    let until = this.sessions.get(key)
    if (until === undefined) {
      const row = await this.db.browserSession.findUnique({ where: { hash: key } })
      if (row === null) return false
      until = row.expiresAt.getTime()
      this.sessions.set(key, until)
    }
    if (until > this.now()) return true
    this.sessions.delete(key)
    return false
  }

  /** Signs a session out (nothing happens for an unknown one). */
  async endSession(sessionId: string): Promise<void> {
    if (!SESSION_ID.test(sessionId)) return
    const key = hash(sessionId)
    this.sessions.delete(key)
    await this.db.browserSession.deleteMany({ where: { hash: key } })
  }
}
