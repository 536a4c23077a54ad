import { z } from 'zod'
import { ActivityEntry } from './activity.js'
import { Id, UserRef } from './common.js'
import { ThreadActivity } from './domain-events.js'
import { CollabStatus, CommentResponse, Friend, IdeaResponse, Notification } from './rest.js'

/** Events the backend pushes to its browser over socket.io, by event name. */
export const LiveServerEvents = {
  /** An idea was created or changed, mine or shared with me. */
  'idea:upserted': IdeaResponse,
  /** An idea left this user's view: deleted, or access revoked. */
  'idea:removed': z.object({ ideaId: Id, reason: z.enum(['deleted', 'revoked']) }),
  'comment:upserted': CommentResponse,
  /** A new entry in an idea's history. */
  'activity:added': ActivityEntry,
  'comment:removed': z.object({ commentId: Id, ideaId: Id, reason: z.string() }),
  'shares:changed': z.object({ ideaId: Id, userIds: z.array(Id) }),
  presence: z.object({ user: UserRef, online: z.boolean() }),
  'friends:changed': z.array(Friend),
  notification: Notification,
  'collab:status': CollabStatus,
  /** Someone in an idea's thread: typing (`activity` absent or `typing`), viewing it, or gone from it. */
  typing: z.object({ ideaId: Id, user: UserRef, activity: ThreadActivity.optional() }),
} as const
export type LiveServerEventName = keyof typeof LiveServerEvents
export type LiveServerEvents = {
  [K in LiveServerEventName]: (payload: z.infer<(typeof LiveServerEvents)[K]>) => void
}

/** Events the browser sends its backend. */
export const LiveClientEvents = {
  /** I am typing on an idea (`activity` absent), have its thread open (`viewing`), or closed it (`left`). */
  typing: z.strictObject({ ideaId: Id, activity: ThreadActivity.optional() }),
} as const
export type LiveClientEvents = {
  [K in keyof typeof LiveClientEvents]: (payload: z.infer<(typeof LiveClientEvents)[K]>) => void
}
