import {
  type ActivityEntry,
  type CollabStatus,
  type CommentResponse,
  type CreateIdeaBody,
  type Friend,
  type IdeaResponse,
  type Me,
  type Notification,
  type OnlineUser,
  type PatchIdeaBody,
  type Position,
  PROTOCOL_VERSION,
  type SharedIdea,
  type SharesResponse,
  type UserRef,
} from '@pp/contracts'
import { dispatch } from '../transport/live-socket'
import type { Api, Live, LiveEventName, LiveHandlers, LivePayload, Transport } from '../transport/types'
import { ApiError } from '../transport/types'

export const USER_A: UserRef = { id: '00000000-0000-0000-0000-000000000001', displayName: 'User A' }
export const USER_B: UserRef = { id: '00000000-0000-0000-0000-000000000002', displayName: 'User B' }
export const USER_C: UserRef = { id: '00000000-0000-0000-0000-000000000003', displayName: 'User C' }

let seq = 0
/** Deterministic uuids for fixtures: 10000000-0000-4000-8000-00000000000n. */
export function fakeId(): string {
  seq += 1
  return `10000000-0000-4000-8000-${String(seq).padStart(12, '0')}`
}

const T0 = Date.parse('2026-11-22T10:00:00.000Z')
let clock = 0
/** Increasing ISO times, one second apart. */
export function fakeTime(): string {
  clock += 1
  return new Date(T0 + clock * 1000).toISOString()
}

export function makeIdea(over: Partial<IdeaResponse> = {}): IdeaResponse {
  const at = fakeTime()
  return {
    id: fakeId(),
    owner: USER_A,
    symbol: 'AAPL',
    strategy: 'Covered Call',
    status: 'Planned',
    tags: [],
    notes: '',
    entryPrice: null,
    targetPrice: null,
    stopPrice: null,
    legs: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
    readOnly: false,
    ...over,
  }
}

export function makeComment(
  ideaId: string,
  author: UserRef,
  body: string,
  over: Partial<CommentResponse> = {},
): CommentResponse {
  return {
    id: fakeId(),
    ideaId,
    author: { id: author.id, displayName: author.displayName },
    body,
    createdAt: fakeTime(),
    pending: false,
    ...over,
  }
}

type Gate = { promise: Promise<void>; release: () => void }

/** An in-memory backend behind the Api interface, with the calls it received. */
export class FakeApi implements Api {
  me_: UserRef = USER_A
  fingerprint = '1111 AAAA 2222 BBBB 3333'
  positions_: Position[] = [
    {
      symbol: 'AAPL',
      description: 'Apple Inc.',
      quantity: 100,
      averageCost: 150,
      price: 190,
      marketValue: 19000,
      unrealizedPnl: 4000,
      unrealizedPnlPercent: 26.67,
    },
    {
      symbol: 'MSFT',
      description: 'Microsoft Corp.',
      quantity: 20,
      averageCost: 400,
      price: 380,
      marketValue: 7600,
      unrealizedPnl: -400,
      unrealizedPnlPercent: -5,
    },
  ]
  online: OnlineUser[] = [USER_A, USER_B]
  friends_: Friend[] = [
    { ...USER_B, status: 'accepted', online: true, fingerprint: null, newFingerprint: null },
  ]
  ideas_: IdeaResponse[] = []
  shared_: SharedIdea[] = []
  comments_ = new Map<string, CommentResponse[]>()
  activity_ = new Map<string, ActivityEntry[]>()
  shares_ = new Map<string, string[]>()
  notifications_: Notification[] = []
  collab: CollabStatus = {
    enabled: true,
    connected: true,
    since: null,
    relayUrl: 'http://localhost:9000',
    protocol: { backend: PROTOCOL_VERSION, relay: PROTOCOL_VERSION },
    peers: [],
  }
  calls: { method: string; args: unknown[] }[] = []
  failing = new Map<string, ApiError>()
  private gates = new Map<string, Gate>()

  /** Calls of `method` wait until the returned function is called; then they go on in the order they came. */
  hold(method: keyof Api): () => void {
    let open = () => {}
    const promise = new Promise<void>((r) => {
      open = r
    })
    const release = () => {
      this.gates.delete(method)
      open()
    }
    this.gates.set(method, { promise, release })
    return release
  }

  private async enter(method: string, ...args: unknown[]): Promise<void> {
    this.calls.push({ method, args })
    const gate = this.gates.get(method)
    if (gate) await gate.promise
    const err = this.failing.get(method)
    if (err) throw err
  }

  callsOf(method: keyof Api): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args)
  }

  async me() {
    await this.enter('me')
    return { ...this.me_, fingerprint: this.fingerprint } satisfies Me
  }
  async positions() {
    await this.enter('positions')
    return this.positions_
  }
  async onlineUsers() {
    await this.enter('onlineUsers')
    return this.online
  }
  async friends() {
    await this.enter('friends')
    return this.friends_
  }
  async requestFriend(userId: string) {
    await this.enter('requestFriend', userId)
    const u = this.online.find((x) => x.id === userId)
    if (u)
      this.friends_ = [
        ...this.friends_,
        { ...u, status: 'outgoing', online: true, fingerprint: null, newFingerprint: null },
      ]
  }
  async acceptFriendKey(userId: string) {
    await this.enter('acceptFriendKey', userId)
    this.friends_ = this.friends_.map((f) =>
      f.id === userId && f.newFingerprint !== null
        ? { ...f, fingerprint: f.newFingerprint, newFingerprint: null }
        : f,
    )
  }
  async acceptFriend(userId: string) {
    await this.enter('acceptFriend', userId)
    this.friends_ = this.friends_.map((f) => (f.id === userId ? { ...f, status: 'accepted' } : f))
  }
  async removeFriend(userId: string) {
    await this.enter('removeFriend', userId)
    this.friends_ = this.friends_.filter((f) => f.id !== userId)
  }
  async ideas() {
    await this.enter('ideas')
    return this.ideas_
  }
  async shared() {
    await this.enter('shared')
    return this.shared_
  }
  async createIdea(body: CreateIdeaBody) {
    await this.enter('createIdea', body)
    const idea = makeIdea({
      ...body,
      tags: body.tags ?? [],
      notes: body.notes ?? '',
      entryPrice: body.entryPrice ?? null,
      targetPrice: body.targetPrice ?? null,
      stopPrice: body.stopPrice ?? null,
      legs: body.legs ?? [],
      owner: this.me_,
    })
    this.ideas_ = [...this.ideas_, idea]
    return idea
  }
  async patchIdea(id: string, body: PatchIdeaBody) {
    await this.enter('patchIdea', id, body)
    const held = this.ideas_.find((i) => i.id === id)
    if (!held) throw new ApiError(404, 'idea not found')
    const next: IdeaResponse = {
      ...held,
      ...(body.tags ? { tags: body.tags } : {}),
      ...(body.status ? { status: body.status } : {}),
      ...(body.notes !== undefined ? { notes: body.notes } : {}),
      ...(body.entryPrice !== undefined ? { entryPrice: body.entryPrice } : {}),
      ...(body.targetPrice !== undefined ? { targetPrice: body.targetPrice } : {}),
      ...(body.stopPrice !== undefined ? { stopPrice: body.stopPrice } : {}),
      ...(body.legs !== undefined ? { legs: body.legs } : {}),
      version: held.version + 1,
      updatedAt: fakeTime(),
    }
    this.ideas_ = this.ideas_.map((i) => (i.id === id ? next : i))
    return next
  }
  async deleteIdea(id: string) {
    await this.enter('deleteIdea', id)
    this.ideas_ = this.ideas_.filter((i) => i.id !== id)
  }
  async shares(id: string) {
    await this.enter('shares', id)
    return this.shares_.get(id) ?? []
  }
  async allShares() {
    await this.enter('allShares')
    return [...this.shares_].filter(([, u]) => u.length > 0).map(([ideaId, userIds]) => ({ ideaId, userIds }))
  }
  async putShares(id: string, userIds: string[]): Promise<SharesResponse> {
    await this.enter('putShares', id, userIds)
    const before = this.shares_.get(id) ?? []
    this.shares_.set(id, userIds)
    return {
      userIds,
      added: userIds.filter((u) => !before.includes(u)),
      removed: before.filter((u) => !userIds.includes(u)),
    }
  }
  async activity(ideaId: string) {
    await this.enter('activity', ideaId)
    return this.activity_.get(ideaId) ?? []
  }
  async comments(ideaId: string) {
    await this.enter('comments', ideaId)
    return this.comments_.get(ideaId) ?? []
  }
  async addComment(ideaId: string, body: string) {
    await this.enter('addComment', ideaId, body)
    const idea = [...this.ideas_, ...this.shared_].find((i) => i.id === ideaId)
    const c = makeComment(ideaId, this.me_, body, { pending: idea?.readOnly === true })
    this.comments_.set(ideaId, [...(this.comments_.get(ideaId) ?? []), c])
    return c
  }
  async notifications() {
    await this.enter('notifications')
    return this.notifications_
  }
  async markNotificationRead(id: string) {
    await this.enter('markNotificationRead', id)
  }
  async collabStatus() {
    await this.enter('collabStatus')
    return this.collab
  }
}

/** The socket.io side: tests push server events (validated like the real one) and read what was sent. */
export class FakeLive implements Live {
  handlers: LiveHandlers | null = null
  onConnection: ((connected: boolean) => void) | null = null
  sent: { event: string; payload: unknown }[] = []
  invalid: string[] = []

  connect(handlers: LiveHandlers, onConnection: (connected: boolean) => void): void {
    this.handlers = handlers
    this.onConnection = onConnection
  }
  emit(event: string, payload: unknown): void {
    this.sent.push({ event, payload })
  }
  close(): void {
    this.handlers = null
  }
  setConnected(connected: boolean): void {
    this.onConnection?.(connected)
  }
  server<K extends LiveEventName>(name: K, payload: LivePayload<K>): void {
    if (!this.handlers) throw new Error('live not connected')
    dispatch(this.handlers, name, payload, (event, message) => this.invalid.push(`${event}: ${message}`))
  }
}

export function createFakeTransport(): { transport: Transport; api: FakeApi; live: FakeLive } {
  const api = new FakeApi()
  const live = new FakeLive()
  return { transport: { api, live }, api, live }
}
