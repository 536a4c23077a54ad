import { z } from 'zod'
import { ActivityEntry } from './activity.js'
import {
  Comment,
  CommentBody,
  Id,
  Idea,
  IdeaStatus,
  IsoTime,
  Notes,
  Strategy,
  Tags,
  Ticker,
  UserRef,
} from './common.js'
import { OptionLegs, Price, TRADE_PLAN_RULES, tradePlanProblem } from './trade-plan.js'

/** Backend REST API, mounted at /api/v1. */
export const API_PREFIX = '/api/v1'

export const ErrorResponse = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  /** The request field that was wrong, e.g. `symbol` or `userIds.0`. */
  field: z.string().optional(),
})
export type ErrorResponse = z.infer<typeof ErrorResponse>

export const HealthResponse = z.object({
  status: z.literal('healthy'),
  uptime: z.number(),
  user: UserRef,
  collaboration: z.object({
    enabled: z.boolean(),
    connected: z.boolean(),
    since: IsoTime.nullable(),
  }),
})
export type HealthResponse = z.infer<typeof HealthResponse>

/** This user, with the fingerprint (safety number) of its backend's keys that friends compare. */
export const Me = z.strictObject({
  ...UserRef.shape,
  fingerprint: z.string().describe('safety number of this backend’s public keys, to compare out of band'),
})
export type Me = z.infer<typeof Me>

export const Position = z.object({
  symbol: z.string(),
  description: z.string(),
  quantity: z.number(),
  averageCost: z.number(),
  price: z.number(),
  marketValue: z.number(),
  unrealizedPnl: z.number(),
  unrealizedPnlPercent: z.number(),
})
export type Position = z.infer<typeof Position>

export const FRIEND_STATUSES = ['accepted', 'incoming', 'outgoing'] as const
export const Friend = z.object({
  id: Id,
  displayName: z.string(),
  status: z.enum(FRIEND_STATUSES),
  online: z.boolean(),
  fingerprint: z
    .string()
    .nullable()
    .describe('safety number of the keys pinned for this friend; null until their keys arrive'),
  newFingerprint: z
    .string()
    .nullable()
    .describe('a different key this friend’s backend presented: refused until the user accepts it'),
})
export type Friend = z.infer<typeof Friend>
export const FriendRequestBody = z.strictObject({ userId: Id })
export type FriendRequestBody = z.infer<typeof FriendRequestBody>

export const CreateIdeaBody = z
  .strictObject({
    symbol: Ticker,
    strategy: Strategy,
    status: IdeaStatus,
    tags: Tags.optional(),
    notes: Notes.optional(),
    entryPrice: Price.nullable().optional().describe('entry price in dollars'),
    targetPrice: Price.nullable().optional().describe('target price in dollars'),
    stopPrice: Price.nullable().optional().describe('stop price in dollars'),
    legs: OptionLegs.optional(),
  })
  .superRefine((b, ctx) => {
    const problem = tradePlanProblem({
      strategy: b.strategy,
      entryPrice: b.entryPrice ?? null,
      targetPrice: b.targetPrice ?? null,
      stopPrice: b.stopPrice ?? null,
      legs: b.legs ?? [],
    })
    if (problem !== null) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message })
  })
  .describe(TRADE_PLAN_RULES)
export type CreateIdeaBody = z.infer<typeof CreateIdeaBody>

const PATCHABLE = ['tags', 'status', 'notes', 'entryPrice', 'targetPrice', 'stopPrice', 'legs'] as const

/** The prices and legs are checked together with the idea's stored ones (`tradePlanProblem`). */
export const PatchIdeaBody = z
  .strictObject({
    tags: Tags.optional(),
    status: IdeaStatus.optional(),
    notes: Notes.optional(),
    entryPrice: Price.nullable().optional().describe('entry price in dollars; null clears it'),
    targetPrice: Price.nullable().optional().describe('target price in dollars; null clears it'),
    stopPrice: Price.nullable().optional().describe('stop price in dollars; null clears it'),
    legs: OptionLegs.optional(),
  })
  .refine((b) => PATCHABLE.some((k) => b[k] !== undefined), {
    message: `give at least one of ${PATCHABLE.join(', ')}`,
  })
  // The refinement in the document: an empty body is refused.
  .meta({ minProperties: 1, description: `At least one field. ${TRADE_PLAN_RULES}` })
export type PatchIdeaBody = z.infer<typeof PatchIdeaBody>

/** An idea as REST answers it; `readOnly` is true on ideas shared with me. */
export const IdeaResponse = Idea.extend({ readOnly: z.boolean() })
export type IdeaResponse = z.infer<typeof IdeaResponse>
export const SharedIdea = Idea.extend({ readOnly: z.literal(true) })
export type SharedIdea = z.infer<typeof SharedIdea>

export const PutSharesBody = z.strictObject({ userIds: z.array(Id).max(1000) })
export type PutSharesBody = z.infer<typeof PutSharesBody>
/** `GET /ideas/:id/shares`: who the idea is shared with. */
export const ShareList = z.object({ userIds: z.array(Id) })
export type ShareList = z.infer<typeof ShareList>
/** `GET /shares`: who each of my ideas is shared with, for the list (ideas shared with nobody left out). */
export const IdeaShareLists = z.array(ShareList.extend({ ideaId: Id }))
export type IdeaShareLists = z.infer<typeof IdeaShareLists>
/** `PUT /ideas/:id/shares`: the new set, and how it changed. */
export const SharesResponse = ShareList.extend({ added: z.array(Id), removed: z.array(Id) })
export type SharesResponse = z.infer<typeof SharesResponse>

export const CreateCommentBody = z.strictObject({ body: CommentBody })
export type CreateCommentBody = z.infer<typeof CreateCommentBody>
/** A comment as REST answers it; `pending` is true until the idea's owner has stored it. */
export const CommentResponse = Comment.extend({ pending: z.boolean() })
export type CommentResponse = z.infer<typeof CommentResponse>

/** `GET /ideas/:id/activity`: the idea's history, ordered by (createdAt, id). */
export const ActivityList = z.array(ActivityEntry)
export type ActivityList = z.infer<typeof ActivityList>

export const NOTIFICATION_KINDS = [
  'friend_request',
  'friend_accepted',
  'position_shared',
  'position_updated',
  'comment_added',
  'share_revoked',
  'position_deleted',
  'comment_rejected',
] as const
export const NotificationKind = z.enum(NOTIFICATION_KINDS)
export const Notification = z.object({
  id: Id,
  kind: NotificationKind,
  text: z.string(),
  ideaId: Id.optional(),
  createdAt: IsoTime,
  readAt: IsoTime.nullable(),
})
export type Notification = z.infer<typeof Notification>

/** The exact text a sharee sees when access to an idea is revoked. */
export const REVOKED_TEXT = 'Access to position was revoked'

export const PeerStatus = z.object({
  user: UserRef,
  online: z.boolean(),
  /** Events in the outbox not yet acknowledged by this peer. */
  pending: z.number().int().min(0),
  /** Age of the oldest of them, in milliseconds; null when none wait. */
  oldestPendingAgeMs: z.number().min(0).nullable(),
  /** Pending events per idea id. */
  pendingByIdea: z.record(z.string(), z.number().int().min(0)),
})
export type PeerStatus = z.infer<typeof PeerStatus>
/**
 * The relay protocol version this backend speaks and the one its relay announced in its last `welcome`
 * (null before any). When they differ, events may not get through: the user is told which to update.
 */
export const ProtocolVersions = z.object({
  backend: z.number().int(),
  relay: z.number().int().nullable(),
})
export type ProtocolVersions = z.infer<typeof ProtocolVersions>
export const CollabStatus = z.object({
  enabled: z.boolean(),
  connected: z.boolean(),
  since: IsoTime.nullable(),
  relayUrl: z.string().nullable(),
  protocol: ProtocolVersions,
  peers: z.array(PeerStatus),
})
export type CollabStatus = z.infer<typeof CollabStatus>

/** `GET /debug/delivery`: what the inbox and outbox did since the backend started. */
export const DeliveryStats = z.object({
  sinceStart: z.object({
    applied: z.number().int(),
    ignored: z.number().int(),
    refused: z.number().int(),
    duplicate: z.number().int(),
    deferred: z.number().int(),
  }),
  /** Received events refused before they were opened, by reason (each also in `sinceStart.refused`). */
  refusals: z.record(z.string(), z.number().int()),
  inbox: z.record(z.string(), z.number().int()),
  outbox: z.object({ pending: z.number().int(), acked: z.number().int() }),
})
export type DeliveryStats = z.infer<typeof DeliveryStats>

/** A user online at the relay, as `GET /users/online` answers it (the relay's own list: `RelayOnlineUser`). */
export const OnlineUser = UserRef
export type OnlineUser = UserRef

export const IdParams = z.strictObject({ id: Id })
export const UserIdParams = z.strictObject({ userId: Id })

/**
 * Sign-in (like Jupyter's): a one-time code in a link (`<web url>/?code=…`) is exchanged for a session
 * cookie; scripts send `Authorization: Bearer <api token>` instead.
 */
export const SignInCodeResponse = z.object({
  /** Single use, valid until `expiresAt` (24 h). */
  code: z.string(),
  expiresAt: IsoTime,
  /** The web app's URL with the code, when the backend knows its web URL. */
  signInUrl: z.string().optional(),
})
export type SignInCodeResponse = z.infer<typeof SignInCodeResponse>
export const CreateSessionBody = z.strictObject({ code: z.string().min(1).max(256) })
export type CreateSessionBody = z.infer<typeof CreateSessionBody>
export const SessionStatus = z.object({
  signedIn: z.boolean(),
  /** False when the backend runs with BACKEND_AUTH=none. */
  authRequired: z.boolean(),
})
export type SessionStatus = z.infer<typeof SessionStatus>

/**
 * The session cookie's name. Cookies are not kept apart by port, so each user's backend on one host
 * has its own name: signing in to one never signs another in or out.
 */
export function sessionCookieName(userId: string): string {
  return `pp_session_${userId.replace(/[^0-9a-zA-Z]/g, '')}`
}
