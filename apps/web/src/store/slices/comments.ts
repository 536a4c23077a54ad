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

/** Merges one comment into a thread: keyed by id; once confirmed (pending false) it never turns pending again. */
function merge(thread: ClientComment[], incoming: CommentResponse, replaceId?: string): ClientComment[] {
  const held = thread.find((c) => c.id === incoming.id)
  const pending = incoming.pending && (held ? held.pending : true)
  const next = thread.filter((c) => c.id !== incoming.id && c.id !== replaceId)
  next.push({ ...incoming, pending, failed: false })
  return next.sort(compareComments)
}

export const createCommentsSlice: StateCreator<AppState, [], [], CommentsSlice> = (set) => ({
  comments: {},
  upsertComment: (comment, opts) =>
    set((s) => ({
      comments: {
        ...s.comments,
        [comment.ideaId]: merge(s.comments[comment.ideaId] ?? [], comment, opts?.replaceId),
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
