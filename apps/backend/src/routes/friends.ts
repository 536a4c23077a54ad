import { API_PREFIX, Friend, FriendRequestBody, UserIdParams } from '@pp/contracts'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Ctx } from '../domain/context.js'
import {
  acceptFriend,
  acceptFriendKeys,
  listFriends,
  removeFriend,
  requestFriend,
} from '../domain/friends.js'
import { defineRoute } from './define.js'

export function friendRoutes(app: FastifyInstance, ctx: Ctx): void {
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/friends`,
    summary: 'Friends and pending requests either way, with presence',
    tags: ['friends'],
    response: z.array(Friend),
    handler: async () => listFriends(ctx),
  })
  defineRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/friends`,
    summary: 'Send a friend request (accepts at once if they asked first)',
    tags: ['friends'],
    body: FriendRequestBody,
    status: 201,
    response: Friend,
    handler: async ({ body }) => requestFriend(ctx, body.userId),
  })
  defineRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/friends/:userId/accept`,
    summary: 'Accept an incoming friend request',
    tags: ['friends'],
    params: UserIdParams,
    response: Friend,
    handler: async ({ params }) => acceptFriend(ctx, params.userId),
  })
  defineRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/friends/:userId/accept-key`,
    summary: 'Trust the new keys a friend’s backend presented (compare the safety number first)',
    tags: ['friends'],
    params: UserIdParams,
    response: Friend,
    handler: async ({ params }) => acceptFriendKeys(ctx, params.userId),
  })
  defineRoute(app, {
    method: 'DELETE',
    url: `${API_PREFIX}/friends/:userId`,
    summary: 'Remove a friend or a request; shares either way end',
    tags: ['friends'],
    params: UserIdParams,
    status: 204,
    handler: async ({ params }) => removeFriend(ctx, params.userId),
  })
}
