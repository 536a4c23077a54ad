import {
  ActivityList,
  CollabStatus,
  CommentResponse,
  ErrorResponse,
  Friend,
  IdeaResponse,
  IdeaShareLists,
  Me,
  Notification,
  OnlineUser,
  Position,
  parseWith,
  SharedIdea,
  ShareList,
  SharesResponse,
} from '@pp/contracts'
import { z } from 'zod'
import { type Api, ApiError } from './types'

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

/** REST client over fetch. Every answer is parsed with its contract schema before the app sees it. */
export function createRestApi(baseUrl: string, fetchImpl: typeof fetch = (...a) => fetch(...a)): Api {
  async function call(method: Method, path: string, body?: unknown, keepalive = false): Promise<unknown> {
    let res: Response
    try {
      // The session cookie goes along (the backend may be another origin of the same site in development).
      const init: RequestInit = {
        method,
        credentials: 'include',
        headers: { accept: 'application/json' },
        ...(keepalive ? { keepalive } : {}),
      }
      if (body !== undefined) {
        // A change starts a trace here (W3C traceparent): the backend, the relay and the backend that
        // receives it continue it, so one comment is one trace from this browser to the other.
        init.headers = {
          accept: 'application/json',
          'content-type': 'application/json',
          traceparent: newTraceparent(),
        }
        init.body = JSON.stringify(body)
      }
      res = await fetchImpl(`${baseUrl}${path}`, init)
    } catch {
      throw new ApiError(0, 'Cannot reach the backend')
    }
    const text = await res.text()
    let data: unknown = null
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = null
      }
    }
    if (!res.ok) {
      const err = ErrorResponse.safeParse(data)
      if (err.success) throw new ApiError(res.status, err.data.message, err.data.field)
      throw new ApiError(res.status, `${method} ${path} failed (${res.status})`)
    }
    return data
  }

  async function get<S extends z.ZodType>(schema: S, method: Method, path: string, body?: unknown) {
    const data = await call(method, path, body)
    const r = parseWith(schema, data)
    if (!r.ok) throw new ApiError(502, `Unexpected answer from ${method} ${path}: ${r.message}`)
    return r.value
  }

  const id = (v: string) => encodeURIComponent(v)

  return {
    me: () => get(Me, 'GET', '/me'),
    positions: () => get(z.array(Position), 'GET', '/positions'),
    onlineUsers: () => get(z.array(OnlineUser), 'GET', '/users/online'),
    friends: () => get(z.array(Friend), 'GET', '/friends'),
    requestFriend: async (userId) => {
      await call('POST', '/friends', { userId })
    },
    acceptFriend: async (userId) => {
      await call('POST', `/friends/${id(userId)}/accept`)
    },
    acceptFriendKey: async (userId) => {
      await call('POST', `/friends/${id(userId)}/accept-key`)
    },
    removeFriend: async (userId) => {
      await call('DELETE', `/friends/${id(userId)}`)
    },
    ideas: () => get(z.array(IdeaResponse), 'GET', '/ideas'),
    shared: () => get(z.array(SharedIdea), 'GET', '/shared'),
    createIdea: (body) => get(IdeaResponse, 'POST', '/ideas', body),
    patchIdea: (ideaId, body) => get(IdeaResponse, 'PATCH', `/ideas/${id(ideaId)}`, body),
    deleteIdea: async (ideaId, opts) => {
      await call('DELETE', `/ideas/${id(ideaId)}`, undefined, opts?.keepalive === true)
    },
    shares: async (ideaId) => (await get(ShareList, 'GET', `/ideas/${id(ideaId)}/shares`)).userIds,
    allShares: () => get(IdeaShareLists, 'GET', '/shares'),
    putShares: (ideaId, userIds) => get(SharesResponse, 'PUT', `/ideas/${id(ideaId)}/shares`, { userIds }),
    comments: (ideaId) => get(z.array(CommentResponse), 'GET', `/ideas/${id(ideaId)}/comments`),
    addComment: (ideaId, body) => get(CommentResponse, 'POST', `/ideas/${id(ideaId)}/comments`, { body }),
    activity: (ideaId) => get(ActivityList, 'GET', `/ideas/${id(ideaId)}/activity`),
    notifications: () => get(z.array(Notification), 'GET', '/notifications'),
    markNotificationRead: async (nid) => {
      await call('POST', `/notifications/${id(nid)}/read`)
    },
    collabStatus: () => get(CollabStatus, 'GET', '/collab/status'),
  }
}

/** A new W3C `traceparent` (random trace and span ids, sampled). */
export function newTraceparent(): string {
  const hex = (bytes: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('')
  return `00-${hex(16)}-${hex(8)}-01`
}
