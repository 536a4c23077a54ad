/** How the hub talks to one open socket. The plugin backs it with a `ws` WebSocket. */
export interface SessionTransport {
  send(text: string): void
  close(code: number, reason: string): void
}

/** One open connection of a user in a session. */
export interface Member {
  readonly sessionId: string
  readonly userId: string
  readonly connectedAt: Date
  /** Join order across the node; lower means connected longer. */
  readonly seq: number
  readonly transport: SessionTransport
}

/**
 * Membership of the session rooms. Kept behind this interface so a shared implementation (several
 * relay nodes) can replace the in-memory one without touching the protocol code.
 */
export interface SessionRooms {
  /** Adds a member; returns the member it replaced (same session and user), if any. */
  add(member: Member): Member | undefined
  /** Removes the member if it is still the current one for its user; true when it was removed. */
  remove(member: Member): boolean
  /** The session's members, longest-connected first. */
  members(sessionId: string): readonly Member[]
  /** The current member for a user in a session. */
  get(sessionId: string, userId: string): Member | undefined
  /** Every session with at least one member. */
  sessionIds(): readonly string[]
  /** Open connections over all sessions. */
  size(): number
}

/** Session rooms in this process's memory. */
export function createLocalRooms(): SessionRooms {
  const rooms = new Map<string, Map<string, Member>>()
  let size = 0
  return {
    add(member) {
      let room = rooms.get(member.sessionId)
      if (room === undefined) {
        room = new Map()
        rooms.set(member.sessionId, room)
      }
      const previous = room.get(member.userId)
      // Delete first so the newcomer goes to the end of the insertion order (youngest).
      if (previous !== undefined) room.delete(member.userId)
      else size += 1
      room.set(member.userId, member)
      return previous
    },
    remove(member) {
      const room = rooms.get(member.sessionId)
      if (room === undefined || room.get(member.userId) !== member) return false
      room.delete(member.userId)
      size -= 1
      if (room.size === 0) rooms.delete(member.sessionId)
      return true
    },
    members(sessionId) {
      const room = rooms.get(sessionId)
      return room === undefined ? [] : [...room.values()]
    },
    get(sessionId, userId) {
      return rooms.get(sessionId)?.get(userId)
    },
    sessionIds() {
      return [...rooms.keys()]
    },
    size() {
      return size
    },
  }
}
