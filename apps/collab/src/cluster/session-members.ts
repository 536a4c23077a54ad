import { SessionMemberRef, type SessionMembersMessage } from '@pp/contracts'
import type { Logger } from 'pino'
import type { RemoteSessionMember, SessionMembersInbox } from './cluster.js'

const memberKey = (m: SessionMemberRef) => `${m.sessionId}\u0000${m.userId}`

function sessionMemberOf(v: unknown, node: string): RemoteSessionMember | undefined {
  const m = SessionMemberRef.safeParse(v)
  return m.success ? { ...m.data, node } : undefined
}

/**
 * Session-room members on other relay nodes, mirrored in memory. Each node announces its members' joins
 * and leaves, and a snapshot of them every TTL/3 (and when a node asks, on start or after a Redis
 * outage). A node whose snapshots stop for a TTL is gone: its members have left.
 */
export class RemoteSessionMembers {
  readonly #nodeId: string
  readonly #ttlMs: number
  readonly #log: Logger
  readonly #publish: (message: SessionMembersMessage) => void
  #inbox: SessionMembersInbox | undefined
  /** Other nodes' members: node → (session + user → member). */
  readonly #byNode = new Map<string, Map<string, RemoteSessionMember>>()
  /** When each node with members last sent their snapshot (ms since the epoch). */
  readonly #heardAt = new Map<string, number>()
  /** This node had members at its last snapshot (so one more, empty, tells the others they left). */
  #hadMembers = false

  constructor(opts: {
    nodeId: string
    ttlMs: number
    log: Logger
    publish: (message: SessionMembersMessage) => void
  }) {
    this.#nodeId = opts.nodeId
    this.#ttlMs = opts.ttlMs
    this.#log = opts.log
    this.#publish = opts.publish
  }

  /** Where membership news goes (set by the session rooms). */
  listen(inbox: SessionMembersInbox): void {
    this.#inbox = inbox
  }

  /** A member on this node joined or left. */
  announce(member: SessionMemberRef, joined: boolean): void {
    this.#publish({ kind: 'member', node: this.#nodeId, joined, member })
  }

  /** Members on other nodes (of one session, or of all), in the order they connected. */
  list(sessionId?: string): RemoteSessionMember[] {
    const found: RemoteSessionMember[] = []
    for (const members of this.#byNode.values()) {
      for (const m of members.values())
        if (sessionId === undefined || m.sessionId === sessionId) found.push(m)
    }
    return found.sort((a, b) => (a.connectedAt < b.connectedAt ? -1 : a.connectedAt > b.connectedAt ? 1 : 0))
  }

  /** Asks the other nodes for their members, and tells them this node's (on start, after an outage). */
  ask(): void {
    this.#publish({ kind: 'members?', node: this.#nodeId })
    this.publish()
  }

  /** This node's members, as a snapshot (skipped when it has had none since the last one). */
  publish(): void {
    const members = this.#inbox?.localMembers() ?? []
    if (members.length === 0 && !this.#hadMembers) return
    this.#hadMembers = members.length > 0
    this.#publish({ kind: 'members', node: this.#nodeId, members })
  }

  /** Membership news from another node. */
  heard(meta: SessionMembersMessage): void {
    const node = meta.node
    if (node === this.#nodeId) return
    if (meta.kind === 'members?') {
      this.#hadMembers = true // answer even with none: the asker may hold stale members of ours
      this.publish()
      return
    }
    if (meta.kind === 'member') {
      const m: RemoteSessionMember = { ...meta.member, node }
      let members = this.#byNode.get(node)
      if (meta.joined) {
        if (members === undefined) {
          members = new Map()
          this.#byNode.set(node, members)
          this.#heardAt.set(node, Date.now())
        }
        members.set(memberKey(m), m)
        this.#inbox?.remoteMember(m, true, false)
      } else if (members?.delete(memberKey(m)) === true) {
        if (members.size === 0) this.#forgetNode(node)
        this.#inbox?.remoteMember(m, false, false)
      }
      return
    }
    if (meta.kind === 'members') {
      const before = this.#byNode.get(node) ?? new Map<string, RemoteSessionMember>()
      const after = new Map<string, RemoteSessionMember>()
      for (const raw of meta.members) {
        const m = sessionMemberOf(raw, node)
        if (m !== undefined) after.set(memberKey(m), m)
      }
      if (after.size === 0) this.#forgetNode(node)
      else {
        this.#byNode.set(node, after)
        this.#heardAt.set(node, Date.now())
      }
      // Joins and leaves whose own announcements never reached this node (Redis was away).
      for (const [k, m] of after) if (!before.has(k)) this.#inbox?.remoteMember(m, true, true)
      for (const [k, m] of before) if (!after.has(k)) this.#inbox?.remoteMember(m, false, true)
    }
  }

  #forgetNode(node: string): void {
    this.#byNode.delete(node)
    this.#heardAt.delete(node)
  }

  /** Nodes whose snapshots stopped for a TTL (crashed, or cut off from Redis): their members are gone. */
  dropSilentNodes(): void {
    const now = Date.now()
    for (const [node, at] of this.#heardAt) {
      if (now - at <= this.#ttlMs) continue
      const members = this.#byNode.get(node)
      this.#forgetNode(node)
      this.#log.info({ node, members: members?.size ?? 0 }, `node ${node} silent: its session members left`)
      for (const m of members?.values() ?? []) this.#inbox?.remoteMember(m, false, true)
    }
  }
}
