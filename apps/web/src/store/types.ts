import type {
  ActivityEntry,
  CollabStatus,
  CommentResponse,
  Friend,
  IdeaResponse,
  Me,
  Notification,
  OnlineUser,
  Position,
  UserRef,
} from '@pp/contracts'

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error'
export type Load = { status: LoadStatus; error: string | null }
export type LoadKey = 'me' | 'positions' | 'ideas' | 'shared' | 'friends' | 'onlineUsers' | 'notifications'
export type Page = 'dashboard' | 'collaboration' | 'friends'
export type CollabTab = 'mine' | 'shared'
export const PAGES: readonly Page[] = ['dashboard', 'collaboration', 'friends']

/** A comment as the browser holds it: `failed` when sending it did not work. */
/** `local`: my copy shown while sending, before the backend has given the comment its id. */
export type ClientComment = CommentResponse & { failed: boolean; local?: boolean }

/** `action`: one button in the toast (e.g. Undo); running it dismisses the toast. */
export type ToastAction = { label: string; run: () => void }
export type Toast = { id: number; text: string; tone: 'info' | 'error'; action?: ToastAction }
export type TypingEntry = { user: UserRef; until: number }

export type SessionSlice = {
  me: Me | null
  page: Page
  /** The Collaboration page's tab: My Ideas or Shared With Me. */
  collabTab: CollabTab
  loads: Record<LoadKey, Load>
  /** The backend answered 401: the user has to open a sign-in link. */
  signInRequired: boolean
  /** Why the sign-in link of this page did not work (used, expired), when it did not. */
  signInProblem: string | null
  setSignIn: (required: boolean, problem?: string | null) => void
  setMe: (me: Me) => void
  setPage: (page: Page) => void
  setCollabTab: (tab: CollabTab) => void
  setLoad: (key: LoadKey, status: LoadStatus, error?: string | null) => void
}

export type ConnectionSlice = {
  /** Browser ↔ backend (socket.io). */
  socketConnected: boolean
  /** Backend ↔ relay, and per-peer outbox counts, as the backend last reported it. */
  collab: CollabStatus | null
  setSocketConnected: (connected: boolean) => void
  setCollab: (status: CollabStatus) => void
}

export type PositionsSlice = {
  positions: Position[]
  setPositions: (positions: Position[]) => void
}

export type IdeasSlice = {
  ideas: Record<string, IdeaResponse>
  expanded: Record<string, boolean>
  /** Share lists of my ideas (user ids). */
  shares: Record<string, string[]>
  /** Replaces all ideas of one kind (mine: readOnly false; shared with me: readOnly true). */
  setIdeas: (list: IdeaResponse[], readOnly: boolean) => void
  /** Adds or updates an idea; an older version than the one held is ignored. */
  upsertIdea: (idea: IdeaResponse, force?: boolean) => void
  removeIdea: (ideaId: string) => void
  setExpanded: (ideaId: string, expanded: boolean) => void
  setShares: (ideaId: string, userIds: string[]) => void
  /** Replaces every share list of my ideas (an idea not listed is shared with nobody). */
  setAllShares: (lists: { ideaId: string; userIds: string[] }[]) => void
}

export type CommentsSlice = {
  /** Per idea, ordered by (createdAt, id), one entry per id. */
  comments: Record<string, ClientComment[]>
  upsertComment: (comment: CommentResponse, opts?: { replaceId?: string; local?: boolean }) => void
  markCommentFailed: (ideaId: string, commentId: string) => void
  removeComment: (ideaId: string, commentId: string) => void
  mergeComments: (ideaId: string, list: CommentResponse[]) => void
}

export type ActivitySlice = {
  /** Per idea, its history ordered by (createdAt, id), one entry per id. */
  activity: Record<string, ActivityEntry[]>
  addActivity: (entry: ActivityEntry) => void
  mergeActivity: (ideaId: string, list: ActivityEntry[]) => void
}

export type TypingSlice = {
  typing: Record<string, Record<string, TypingEntry>>
  setTyping: (ideaId: string, user: UserRef, until: number) => void
  clearTyping: (ideaId: string, userId: string) => void
  /** Others with an idea's thread open, until their last `viewing` expires or they leave. */
  viewing: Record<string, Record<string, TypingEntry>>
  setViewing: (ideaId: string, user: UserRef, until: number) => void
  clearViewing: (ideaId: string, userId: string) => void
}

export type FriendsSlice = {
  friends: Friend[]
  onlineUsers: OnlineUser[]
  setFriends: (friends: Friend[]) => void
  setOnlineUsers: (users: OnlineUser[]) => void
  applyPresence: (user: UserRef, online: boolean) => void
}

export type NotificationsSlice = {
  notifications: Notification[]
  setNotifications: (list: Notification[]) => void
  addNotification: (n: Notification) => void
  markNotificationsRead: (ids: string[], at: string) => void
}

export type ToastsSlice = {
  toasts: Toast[]
  /** Shows a toast for TOAST_MS (or `ms`); answers its id. */
  pushToast: (text: string, tone?: Toast['tone'], opts?: { action?: ToastAction; ms?: number }) => number
  dismissToast: (id: number) => void
}

export type AppState = SessionSlice &
  ConnectionSlice &
  PositionsSlice &
  IdeasSlice &
  CommentsSlice &
  ActivitySlice &
  TypingSlice &
  FriendsSlice &
  NotificationsSlice &
  ToastsSlice
