import { z } from 'zod'
import { ActivityEntry } from './activity.js'
import { Comment, Id, Idea, UserRef } from './common.js'

/** A 32-byte public key, base64url without padding (43 characters). */
export const PublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte key in base64url')
/** A 64-byte Ed25519 signature, base64url without padding (86 characters). */
export const Signature = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a 64-byte signature in base64url')

/** A backend's public keys: Ed25519 for signatures, X25519 for sealing. */
export const PublicKeys = z.strictObject({ sign: PublicKey, box: PublicKey })
export type PublicKeys = z.infer<typeof PublicKeys>

/**
 * A comment as events carry it: signed by its author (over id, idea, author id, time and body), with
 * the author's signing key as the sender knows it, so a recipient who has never met the author can
 * check it (and pins that key on first sight).
 */
export const SignedComment = z.strictObject({
  ...Comment.shape,
  signature: Signature,
  authorKey: PublicKey,
})
export type SignedComment = z.infer<typeof SignedComment>

/** Events one backend sends another through the relay, inside `send` / `event` frames. */
export const FriendRequestEvent = z.strictObject({
  type: z.literal('friend_request'),
  user: UserRef,
  keys: PublicKeys,
})
export const FriendAcceptedEvent = z.strictObject({
  type: z.literal('friend_accepted'),
  user: UserRef,
  keys: PublicKeys,
})
export const FriendRemovedEvent = z.strictObject({ type: z.literal('friend_removed') })
export const PositionSharedEvent = z.strictObject({
  type: z.literal('position_shared'),
  idea: Idea,
  comments: z.array(SignedComment).max(10_000),
  /** The idea's history so far (absent from a backend that predates it). */
  activity: z.array(ActivityEntry).max(10_000).default([]),
})
export const PositionUpdatedEvent = z.strictObject({ type: z.literal('position_updated'), idea: Idea })
export const ShareRevokedEvent = z.strictObject({ type: z.literal('share_revoked'), ideaId: Id })
export const PositionDeletedEvent = z.strictObject({ type: z.literal('position_deleted'), ideaId: Id })
export const CommentAddedEvent = z.strictObject({
  type: z.literal('comment_added'),
  comment: SignedComment,
})
/** A new entry in an idea's history, from the idea's owner to every sharee. */
export const ActivityAddedEvent = z.strictObject({ type: z.literal('activity_added'), entry: ActivityEntry })
export const CommentRejectedEvent = z.strictObject({
  type: z.literal('comment_rejected'),
  commentId: Id,
  ideaId: Id,
  reason: z.string().max(500),
})
/**
 * What someone is doing in an idea's thread, never stored: typing (`activity` absent or `typing`), viewing
 * it (`viewing`, repeated while the thread is open) or no longer viewing it (`left`). `userId` is set only
 * by the idea's owner passing on a sharee's activity to the other sharees; a recipient takes it only from
 * the owner.
 */
export const ThreadActivity = z.enum(['typing', 'viewing', 'left'])
export type ThreadActivity = z.infer<typeof ThreadActivity>
export const TypingEvent = z.strictObject({
  type: z.literal('typing'),
  ideaId: Id,
  userId: Id.optional(),
  activity: ThreadActivity.optional(),
})
export type TypingEvent = z.infer<typeof TypingEvent>

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
  ActivityAddedEvent,
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
  'activity_added',
  'typing',
] as const satisfies readonly DomainEventType[]

/** Ephemeral events are sent once and never stored, acked or retried. */
export const EPHEMERAL_EVENT_TYPES: ReadonlySet<DomainEventType> = new Set(['typing'])

// ---- on the wire: what the relay routes -------------------------------------------------------

/**
 * The only event that travels in the clear: a backend's public keys, sent before anything else to a
 * user whose keys it does not have yet (no name, no content). `reply` is set on the answer to one, so
 * two backends never answer each other forever.
 */
export const HelloEvent = z.strictObject({ type: z.literal('hello'), keys: PublicKeys, reply: z.boolean() })
export type HelloEvent = z.infer<typeof HelloEvent>

/** Largest sealed body: the relay's 1 MiB frame limit leaves room for the envelope. */
export const MAX_SEALED_CHARS = 1_000_000

/**
 * A domain event sealed for one recipient: `type` stays readable for routing and logs, `sealed` is
 * base64url of nonce (12 bytes) ‖ AES-256-GCM ciphertext of (author's Ed25519 signature ‖ event JSON)
 * ‖ tag (16 bytes). See `@pp/contracts/sealing`.
 */
export const SealedEvent = z.strictObject({
  type: z.enum(DOMAIN_EVENT_TYPES),
  sealed: z
    .string()
    .min(16)
    .max(MAX_SEALED_CHARS)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url'),
})
export type SealedEvent = z.infer<typeof SealedEvent>

export const WireEvent = z.union([HelloEvent, SealedEvent])
export type WireEvent = z.infer<typeof WireEvent>

/** Every `event.type` the relay routes. */
export const WIRE_EVENT_TYPES = [...DOMAIN_EVENT_TYPES, 'hello'] as const
export type WireEventType = (typeof WIRE_EVENT_TYPES)[number]
