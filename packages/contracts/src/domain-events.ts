import { z } from 'zod'
import { Comment, Id, Idea, UserRef } from './common.js'

/** Events one backend sends another through the relay, inside `send` / `event` frames. */
export const FriendRequestEvent = z.strictObject({ type: z.literal('friend_request'), user: UserRef })
export const FriendAcceptedEvent = z.strictObject({ type: z.literal('friend_accepted'), user: UserRef })
export const FriendRemovedEvent = z.strictObject({ type: z.literal('friend_removed') })
export const PositionSharedEvent = z.strictObject({
  type: z.literal('position_shared'),
  idea: Idea,
  comments: z.array(Comment).max(10_000),
})
export const PositionUpdatedEvent = z.strictObject({ type: z.literal('position_updated'), idea: Idea })
export const ShareRevokedEvent = z.strictObject({ type: z.literal('share_revoked'), ideaId: Id })
export const PositionDeletedEvent = z.strictObject({ type: z.literal('position_deleted'), ideaId: Id })
export const CommentAddedEvent = z.strictObject({ type: z.literal('comment_added'), comment: Comment })
export const CommentRejectedEvent = z.strictObject({
  type: z.literal('comment_rejected'),
  commentId: Id,
  ideaId: Id,
  reason: z.string().max(500),
})
export const TypingEvent = z.strictObject({ type: z.literal('typing'), ideaId: Id })

export const DomainEvent = z.discriminatedUnion('type', [
  FriendRequestEvent,
  FriendAcceptedEvent,
  FriendRemovedEvent,
  PositionSharedEvent,
  PositionUpdatedEvent,
  ShareRevokedEvent,
  PositionDeletedEvent,
  CommentAddedEvent,
  CommentRejectedEvent,
  TypingEvent,
])
export type DomainEvent = z.infer<typeof DomainEvent>
export type DomainEventType = DomainEvent['type']

export const DOMAIN_EVENT_TYPES = [
  'friend_request',
  'friend_accepted',
  'friend_removed',
  'position_shared',
  'position_updated',
  'share_revoked',
  'position_deleted',
  'comment_added',
  'comment_rejected',
  'typing',
] as const satisfies readonly DomainEventType[]

/** Ephemeral events are sent once and never stored, acked or retried. */
export const EPHEMERAL_EVENT_TYPES: ReadonlySet<DomainEventType> = new Set(['typing'])
