import type {
  ActivityEntry,
  CollabStatus,
  CommentResponse,
  CreateIdeaBody,
  Friend,
  IdeaResponse,
  IdeaShareLists,
  LiveClientEvents,
  LiveServerEvents,
  Me,
  Notification,
  OnlineUser,
  PatchIdeaBody,
  Position,
  SharedIdea,
  SharesResponse,
} from '@pp/contracts'

/** The backend's REST API (/api/v1), one method per route the app uses. */
export interface Api {
  me(): Promise<Me>
  positions(): Promise<Position[]>
  onlineUsers(): Promise<OnlineUser[]>
  friends(): Promise<Friend[]>
  requestFriend(userId: string): Promise<void>
  acceptFriend(userId: string): Promise<void>
  acceptFriendKey(userId: string): Promise<void>
  removeFriend(userId: string): Promise<void>
  ideas(): Promise<IdeaResponse[]>
  shared(): Promise<SharedIdea[]>
  createIdea(body: CreateIdeaBody): Promise<IdeaResponse>
  patchIdea(id: string, body: PatchIdeaBody): Promise<IdeaResponse>
  /** `keepalive`: the request outlives the page (sent while it unloads). */
  deleteIdea(id: string, opts?: { keepalive?: boolean }): Promise<void>
  shares(id: string): Promise<string[]>
  /** Who each of my ideas is shared with. */
  allShares(): Promise<IdeaShareLists>
  putShares(id: string, userIds: string[]): Promise<SharesResponse>
  comments(ideaId: string): Promise<CommentResponse[]>
  addComment(ideaId: string, body: string): Promise<CommentResponse>
  activity(ideaId: string): Promise<ActivityEntry[]>
  notifications(): Promise<Notification[]>
  markNotificationRead(id: string): Promise<void>
  collabStatus(): Promise<CollabStatus>
}

export type LiveEventName = keyof LiveServerEvents
export type LivePayload<K extends LiveEventName> = Parameters<LiveServerEvents[K]>[0]
export type LiveHandlers = { [K in LiveEventName]: (payload: LivePayload<K>) => void }

/** The socket.io link to the backend: typed server events in, `typing` out. */
export interface Live {
  /** Starts connecting; handlers receive validated server events and connection changes. */
  connect(handlers: LiveHandlers, onConnection: (connected: boolean) => void): void
  emit<K extends keyof LiveClientEvents>(event: K, payload: Parameters<LiveClientEvents[K]>[0]): void
  close(): void
}

export interface Transport {
  api: Api
  live: Live
}

/** An error answer from the backend (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number
  readonly field: string | undefined
  constructor(status: number, message: string, field?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.field = field
  }
}
