import type { CommentResponse } from '@pp/contracts'
import type { StateCreator } from 'zustand'
import type { AppState, ClientComment, CommentsSlice } from '../types'

/** Thread order: by creation time, then by id, so every side shows the same order. */
export function compareComments(a: CommentResponse, b: CommentResponse): number {
  const ta = Date.parse(a.createdAt)
  const tb = Date.parse(b.createdAt)
  if (ta !== tb) return ta - tb
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/**
 * Merges one comment into a thread: keyed by id; once confirmed (pending false) it never turns pending again.
 * The backend's copy of a comment I am sending replaces my local copy whether it comes by the live channel
 * or as the REST answer, whichever is first, so the comment never shows twice.
 */
function merge(
  thread: ClientComment[],
  incoming: CommentResponse,
  replaceId?: string,
  local = false,
): ClientComment[] {
  const held = thread.find((c) => c.id === incoming.id)
  const pending = incoming.pending && (held ? held.pending : true)
  const localCopy = local
    ? undefined
    : thread.find(
        (c) =>
          c.local && c.id !== incoming.id && c.author.id === incoming.author.id && c.body === incoming.body,
      )
  const next = thread.filter((c) => c.id !== incoming.id && c.id !== replaceId && c !== localCopy)
  next.push(
    local ? { ...incoming, pending, failed: false, local: true } : { ...incoming, pending, failed: false },
  )
  return next.sort(compareComments)
}

export const createCommentsSlice: StateCreator<AppState, [], [], CommentsSlice> = (set) => ({
  comments: {},
  upsertComment: (comment, opts) =>
    set((s) => ({
      comments: {
        ...s.comments,
        [comment.ideaId]: merge(s.comments[comment.ideaId] ?? [], comment, opts?.replaceId, opts?.local),
      },
    })),
  markCommentFailed: (ideaId, commentId) =>
    set((s) => ({
      comments: {
        ...s.comments,
        [ideaId]: (s.comments[ideaId] ?? []).map((c) => (c.id === commentId ? { ...c, failed: true } : c)),
      },
    })),
  removeComment: (ideaId, commentId) =>
    set((s) => ({
      comments: { ...s.comments, [ideaId]: (s.comments[ideaId] ?? []).filter((c) => c.id !== commentId) },
    })),
  mergeComments: (ideaId, list) =>
    set((s) => {
      let thread = s.comments[ideaId] ?? []
      for (const c of list) thread = merge(thread, c)
      return { comments: { ...s.comments, [ideaId]: thread } }
    }),
})
