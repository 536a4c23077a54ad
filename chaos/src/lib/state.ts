import type { Backend } from './backend.js'
import type { Rng } from './random.js'

type Idea = {
  id: string
  owner: { id: string }
  symbol: string
  strategy: string
  status: string
  tags: string[]
  notes: string
  version: number
  updatedAt: string
}
type Comment = { id: string; body: string; createdAt: string; pending?: boolean }

const STATUSES = ['Planned', 'Watching', 'Open', 'Closed']
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN', 'GOOG', 'META', 'SPY']

const same = (a: Idea, b: Idea) =>
  a.version === b.version &&
  a.status === b.status &&
  a.notes === b.notes &&
  a.symbol === b.symbol &&
  JSON.stringify(a.tags) === JSON.stringify(b.tags) &&
  a.owner.id === b.owner.id

/**
 * Compares every backend's view with the owners' truth: each sharee holds the owner's latest version
 * and the same comment thread in the same order; nobody else can see the idea. Returns the differences.
 */
export async function differences(backends: Backend[]): Promise<string[]> {
  const out: string[] = []
  for (const owner of backends) {
    const ideas = (await owner.get<Idea[]>('/ideas')).body.filter((i) => i.owner.id === owner.user.id)
    for (const idea of ideas) {
      const sharesRes = await owner.get<{ userIds: string[] } | string[]>(`/ideas/${idea.id}/shares`)
      const shares = Array.isArray(sharesRes.body) ? sharesRes.body : sharesRes.body.userIds
      const comments = (await owner.get<Comment[]>(`/ideas/${idea.id}/comments`)).body
      const ids = comments.map((c) => c.id).join(',')
      for (const other of backends) {
        if (other === owner) continue
        const seen = await other.get<Idea>(`/ideas/${idea.id}`)
        const tag = `${owner.user.name}'s ${idea.symbol} ${idea.id.slice(-6)} at ${other.user.name}`
        if (!shares.includes(other.user.id)) {
          if (seen.status !== 404) out.push(`${tag}: not shared, but answered ${seen.status}`)
          continue
        }
        if (seen.status !== 200) {
          out.push(`${tag}: shared, but answered ${seen.status}`)
          continue
        }
        if (!same(seen.body, idea)) {
          out.push(
            `${tag}: version ${seen.body.version} ${seen.body.status} ≠ owner's ${idea.version} ${idea.status}`,
          )
        }
        const theirs = (await other.get<Comment[]>(`/ideas/${idea.id}/comments`)).body
        const theirIds = theirs.map((c) => c.id).join(',')
        if (theirIds !== ids)
          out.push(`${tag}: ${theirs.length} comments ≠ owner's ${comments.length} (or order differs)`)
        if (theirs.some((c) => c.pending === true)) out.push(`${tag}: a comment is still pending`)
      }
    }
  }
  return out
}

/** Random collaboration through the REST APIs: updates, comments (owner and sharees), share changes, new ideas. */
export class Workload {
  ok = 0
  refused = 0
  /** Requests that got no answer at all (connection reset): neither taken nor refused. */
  failed = 0
  private n = 0

  constructor(
    private readonly backends: Backend[],
    private readonly rng: Rng,
  ) {}

  async createShared(owner: Backend, shareWith: Backend[]): Promise<string> {
    const r = await owner.post<Idea>('/ideas', {
      symbol: this.rng.pick(SYMBOLS),
      strategy: 'Covered Call',
      status: 'Planned',
      tags: ['chaos'],
      notes: 'created',
    })
    if (r.status !== 201) throw new Error(`create idea: ${r.status} ${JSON.stringify(r.body)}`)
    if (shareWith.length > 0) {
      const s = await owner.put(`/ideas/${r.body.id}/shares`, { userIds: shareWith.map((b) => b.user.id) })
      if (s.status !== 200) throw new Error(`share: ${s.status} ${JSON.stringify(s.body)}`)
    }
    return r.body.id
  }

  private async ownIdeas(b: Backend): Promise<Idea[]> {
    return (await b.get<Idea[]>('/ideas')).body.filter((i) => i.owner.id === b.user.id)
  }

  /** One random operation; counts whether the API took it (2xx) or refused it (e.g. lost access meanwhile). */
  async step(): Promise<void> {
    try {
      await this.tryStep()
    } catch {
      this.failed += 1
    }
  }

  private async tryStep(): Promise<void> {
    const b = this.rng.pick(this.backends)
    const others = this.backends.filter((o) => o !== b)
    const roll = this.rng.next()
    const n = ++this.n
    let status = 0
    if (roll < 0.35) {
      const mine = await this.ownIdeas(b)
      if (mine.length === 0) return
      const idea = this.rng.pick(mine)
      status = (
        await b.patch(`/ideas/${idea.id}`, {
          status: this.rng.pick(STATUSES),
          tags: ['chaos', `t${n % 7}`],
          notes: `update ${n}`,
        })
      ).status
    } else if (roll < 0.5) {
      const mine = await this.ownIdeas(b)
      if (mine.length === 0) return
      status = (await b.post(`/ideas/${this.rng.pick(mine).id}/comments`, { body: `owner note ${n}` })).status
    } else if (roll < 0.8) {
      const shared = (await b.get<Idea[]>('/shared')).body
      if (shared.length === 0) return
      status = (await b.post(`/ideas/${this.rng.pick(shared).id}/comments`, { body: `sharee note ${n}` }))
        .status
    } else if (roll < 0.95) {
      const mine = await this.ownIdeas(b)
      if (mine.length === 0) return
      const to = others.filter(() => this.rng.next() < 0.7).map((o) => o.user.id)
      status = (await b.put(`/ideas/${this.rng.pick(mine).id}/shares`, { userIds: to })).status
    } else {
      await this.createShared(
        b,
        others.filter(() => this.rng.next() < 0.8),
      )
      status = 201
    }
    if (status >= 200 && status < 300) this.ok += 1
    else this.refused += 1
  }
}

/** Every durable event a sender wrote and whether its recipient stored it: the ledger of lost/duplicated. */
export function ledger(backends: Backend[]): { sent: number; unacked: number; missing: string[] } {
  const inboxes = new Map(backends.map((b) => [b.user.id, new Set(b.inbox().map((r) => r.eventId))]))
  let sent = 0
  let unacked = 0
  const missing: string[] = []
  for (const s of backends) {
    for (const row of s.outbox()) {
      if (row.type === 'typing') continue
      const inbox = inboxes.get(row.recipientId)
      if (inbox === undefined) continue
      sent += 1
      if (row.ackedAt === null) unacked += 1
      if (!inbox.has(row.eventId))
        missing.push(`${row.type} ${row.eventId} ${s.user.name} → ${row.recipientId}`)
    }
  }
  return { sent, unacked, missing }
}
