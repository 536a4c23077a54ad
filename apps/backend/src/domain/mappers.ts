import type {
  ActivityChange,
  ActivityEntry,
  Comment,
  CommentResponse,
  Idea,
  IdeaResponse,
  IdeaStatus,
  Notification,
  OptionLeg,
  SignedComment,
  Strategy,
} from '@pp/contracts'
import type {
  IdeaActivity as ActivityRow,
  Comment as CommentRow,
  Idea as IdeaRow,
  Notification as NotificationRow,
} from '../generated/prisma/client.js'

/** Rows are written only from validated input, so their strings are the contract's enums. */
export function toIdea(row: IdeaRow): Idea {
  return {
    id: row.id,
    owner: { id: row.ownerId, displayName: row.ownerName },
    symbol: row.symbol,
    strategy: row.strategy as Strategy,
    status: row.status as IdeaStatus,
    tags: parseTags(row.tags),
    notes: row.notes,
    entryPrice: row.entryPrice,
    targetPrice: row.targetPrice,
    stopPrice: row.stopPrice,
    legs: parseJsonArray(row.legs) as OptionLeg[],
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function toIdeaResponse(row: IdeaRow, meId: string): IdeaResponse {
  return { ...toIdea(row), readOnly: row.ownerId !== meId }
}

/** An idea snapshot → row fields (for insert or update). */
export function ideaRowData(idea: Idea) {
  return {
    ownerId: idea.owner.id,
    ownerName: idea.owner.displayName,
    symbol: idea.symbol,
    strategy: idea.strategy,
    status: idea.status,
    tags: JSON.stringify(idea.tags),
    notes: idea.notes,
    entryPrice: idea.entryPrice,
    targetPrice: idea.targetPrice,
    stopPrice: idea.stopPrice,
    legs: JSON.stringify(idea.legs),
    version: idea.version,
    createdAt: new Date(idea.createdAt),
    updatedAt: new Date(idea.updatedAt),
  }
}

export function toComment(row: CommentRow): Comment {
  return {
    id: row.id,
    ideaId: row.ideaId,
    author: { id: row.authorId, displayName: row.authorName },
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  }
}

export function toCommentResponse(row: CommentRow): CommentResponse {
  return { ...toComment(row), pending: row.pending }
}

/** A comment as events carry it: the author's signature and signing key travel with it. */
export function toSignedComment(row: CommentRow & { signature: string }, authorKey: string): SignedComment {
  return { ...toComment(row), signature: row.signature, authorKey }
}

export function commentRowData(c: Comment & { signature?: string }, pending: boolean) {
  return {
    id: c.id,
    ideaId: c.ideaId,
    authorId: c.author.id,
    authorName: c.author.displayName,
    body: c.body,
    createdAt: new Date(c.createdAt),
    pending,
    signature: c.signature ?? null,
  }
}

export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind as Notification['kind'],
    text: row.text,
    ...(row.ideaId === null ? {} : { ideaId: row.ideaId }),
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt === null ? null : row.readAt.toISOString(),
  }
}

export function parseTags(json: string): string[] {
  return parseJsonArray(json).filter((t): t is string => typeof t === 'string')
}

function parseJsonArray(json: string): unknown[] {
  const v: unknown = JSON.parse(json)
  return Array.isArray(v) ? v : []
}

export function toActivity(row: ActivityRow): ActivityEntry {
  return {
    id: row.id,
    ideaId: row.ideaId,
    actor: { id: row.actorId, displayName: row.actorName },
    changes: parseJsonArray(row.changes) as ActivityChange[],
    createdAt: row.createdAt.toISOString(),
  }
}

export function activityRowData(e: ActivityEntry): ActivityRow {
  return {
    id: e.id,
    ideaId: e.ideaId,
    actorId: e.actor.id,
    actorName: e.actor.displayName,
    changes: JSON.stringify(e.changes),
    createdAt: new Date(e.createdAt),
  }
}
