import { REVOKED_TEXT } from '@pp/contracts'
import { useStore } from '../store/store'
import { transport } from '../transport/current'
import type { LiveHandlers } from '../transport/types'
import { loadActivity } from './activity'
import { refreshCollabSoon, resetCollabRefresh } from './collab-refresh'
import { loadComments } from './comments'
import { isPatching, loadShares } from './ideas'
import {
  loadAll,
  loadCollabStatus,
  loadFriends,
  loadIdeas,
  loadNotifications,
  loadOnlineUsers,
  loadShared,
} from './load'
import { markRead } from './notifications'
import { isDeletePending } from './pending-deletes'
import { repeatViewing } from './presence'

/** How long "User B is typing…" stays after the last typing event. */
export const TYPING_SHOWN_MS = 3000
const typingTimers = new Map<string, ReturnType<typeof setTimeout>>()
/** How long someone shows as viewing a thread after their last `viewing` (they repeat it every 10 s). */
export const VIEWING_SHOWN_MS = 25_000
const viewingTimers = new Map<string, ReturnType<typeof setTimeout>>()
let everConnected = false

export function resetLiveState(): void {
  for (const t of typingTimers.values()) clearTimeout(t)
  typingTimers.clear()
  for (const t of viewingTimers.values()) clearTimeout(t)
  viewingTimers.clear()
  resetCollabRefresh()
  everConnected = false
}

function showTyping(ideaId: string, user: { id: string; displayName: string }): void {
  const key = `${ideaId}:${user.id}`
  useStore.getState().setTyping(ideaId, user, Date.now() + TYPING_SHOWN_MS)
  const old = typingTimers.get(key)
  if (old) clearTimeout(old)
  typingTimers.set(
    key,
    setTimeout(() => {
      typingTimers.delete(key)
      useStore.getState().clearTyping(ideaId, user.id)
    }, TYPING_SHOWN_MS),
  )
}

function stopTyping(ideaId: string, userId: string): void {
  const key = `${ideaId}:${userId}`
  const old = typingTimers.get(key)
  if (old) clearTimeout(old)
  typingTimers.delete(key)
  useStore.getState().clearTyping(ideaId, userId)
}

function showViewing(ideaId: string, user: { id: string; displayName: string }): void {
  const key = `${ideaId}:${user.id}`
  useStore.getState().setViewing(ideaId, user, Date.now() + VIEWING_SHOWN_MS)
  const old = viewingTimers.get(key)
  if (old) clearTimeout(old)
  viewingTimers.set(
    key,
    setTimeout(() => {
      viewingTimers.delete(key)
      useStore.getState().clearViewing(ideaId, user.id)
    }, VIEWING_SHOWN_MS),
  )
}

function stopViewing(ideaId: string, userId: string): void {
  const key = `${ideaId}:${userId}`
  const old = viewingTimers.get(key)
  if (old) clearTimeout(old)
  viewingTimers.delete(key)
  useStore.getState().clearViewing(ideaId, userId)
}

/** Whether the user has this idea's card open in front of them (its page shown, the tab visible). */
function isReading(ideaId: string): boolean {
  const st = useStore.getState()
  const idea = st.ideas[ideaId]
  return (
    idea !== undefined &&
    st.page === 'collaboration' &&
    st.collabTab === (idea.readOnly ? 'shared' : 'mine') &&
    st.expanded[ideaId] === true &&
    document.visibilityState === 'visible'
  )
}

/** What each server event does to the store. */
export function createLiveHandlers(): LiveHandlers {
  const s = () => useStore.getState()
  return {
    'idea:upserted': (idea) => {
      // My own idea echoed back while a newer change of mine is on its way: its answer will show it.
      if (!idea.readOnly && isPatching(idea.id)) return
      // Deleted on screen, waiting out its Undo: it stays gone unless the user brings it back.
      if (isDeletePending(idea.id)) return
      s().upsertIdea(idea)
    },
    'idea:removed': ({ ideaId, reason }) => {
      const idea = s().ideas[ideaId]
      s().removeIdea(ideaId)
      // Shown once even when the same removal arrives again (it is gone from the store by then).
      if (reason === 'revoked' && idea) {
        s().pushToast(`${REVOKED_TEXT}: ${idea.owner.displayName} stopped sharing ${idea.symbol} with you`)
      }
    },
    'comment:upserted': (comment) => {
      s().upsertComment(comment)
      stopTyping(comment.ideaId, comment.author.id)
    },
    'comment:removed': ({ ideaId, commentId }) => s().removeComment(ideaId, commentId),
    'activity:added': (entry) => s().addActivity(entry),
    'shares:changed': ({ ideaId, userIds }) => {
      s().setShares(ideaId, userIds)
      refreshCollabSoon()
      repeatViewing(ideaId)
    },
    presence: ({ user, online }) => {
      s().applyPresence(user, online)
      if (!online) for (const ideaId of Object.keys(s().viewing)) stopViewing(ideaId, user.id)
      refreshCollabSoon()
    },
    'friends:changed': (friends) => s().setFriends(friends),
    // The bell lists every notification; a revocation's toast comes from `idea:removed`, so it is not shown twice.
    notification: (n) => {
      s().addNotification(n)
      // About the thread I am reading right now: I see it there, so it does not count as new.
      if (!n.readAt && n.ideaId && isReading(n.ideaId)) void markRead([n.id])
    },
    'collab:status': (status) => s().setCollab(status),
    typing: ({ ideaId, user, activity }) => {
      if (user.id === s().me?.id) return
      if (activity === 'left') {
        stopTyping(ideaId, user.id)
        stopViewing(ideaId, user.id)
        return
      }
      // Whoever types in a thread has it open.
      showViewing(ideaId, user)
      if (activity !== 'viewing') showTyping(ideaId, user)
    },
  }
}

/** After a reconnect, reads again what may have changed while the browser was away. */
export async function resync(): Promise<void> {
  const st = useStore.getState()
  const open = Object.keys(st.expanded).filter((id) => st.expanded[id])
  await Promise.all([
    loadIdeas(),
    loadShared(),
    loadFriends(),
    loadOnlineUsers(),
    loadNotifications(),
    loadCollabStatus(),
    ...open.map((id) => loadComments(id)),
    ...open.map((id) => loadActivity(id)),
    ...open.filter((id) => st.ideas[id]?.readOnly === false).map((id) => loadShares(id)),
  ])
}

export function onConnection(connected: boolean): void {
  const st = useStore.getState()
  if (connected === st.socketConnected) return
  st.setSocketConnected(connected)
  if (!connected) {
    // What the backend said about the relay is stale now; the next connect brings a fresh collab:status.
    if (st.collab) st.setCollab({ ...st.collab, connected: false })
    return
  }
  // Started while the backend was down: read everything now that it answers.
  if (st.loads.me.status === 'error') void loadAll()
  else if (everConnected) void resync()
  everConnected = true
  repeatViewing()
}

export function connectLive(): void {
  transport().live.connect(createLiveHandlers(), onConnection)
}
