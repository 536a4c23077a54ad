/**
 * How this backend names the users it deals with, for logs, presence and the online list. A friend's
 * own signed name (from its friend record, its request or acceptance) is authoritative; the relay's
 * label for a connected user stands in only until that is known.
 */
export class PeerNames {
  private readonly byId = new Map<string, string>()

  /** The known name, if any. */
  get(userId: string): string | undefined {
    return this.byId.get(userId)
  }

  /** The known name, else the id itself. */
  label(userId: string): string {
    return this.byId.get(userId) ?? userId
  }

  /** A name the user signed for itself (or this backend's own user): replaces anything heard before. */
  signed(userId: string, displayName: string): void {
    this.byId.set(userId, displayName)
  }

  /** A name heard from the relay: kept only while nothing better is known. Returns the name to use. */
  heard(userId: string, displayName: string): string {
    const known = this.byId.get(userId)
    if (known !== undefined) return known
    this.byId.set(userId, displayName)
    return displayName
  }
}
