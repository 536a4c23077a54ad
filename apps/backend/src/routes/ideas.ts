import {
  ActivityList,
  API_PREFIX,
  CommentResponse,
  CreateCommentBody,
  CreateIdeaBody,
  IdeaResponse,
  IdeaShareLists,
  IdParams,
  PatchIdeaBody,
  PutSharesBody,
  SharedIdea,
  ShareList,
  SharesResponse,
} from '@pp/contracts'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { listActivity } from '../domain/activity.js'
import { listComments, postComment } from '../domain/comments.js'
import type { Ctx } from '../domain/context.js'
import {
  allShares,
  createIdea,
  deleteIdea,
  getIdea,
  getShares,
  listMyIdeas,
  listSharedWithMe,
  patchIdea,
  putShares,
} from '../domain/ideas.js'
import { defineRoute } from './define.js'

export function ideaRoutes(app: FastifyInstance, ctx: Ctx): void {
  const idea = `${API_PREFIX}/ideas/:id`
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/ideas`,
    summary: 'My ideas',
    tags: ['ideas'],
    response: z.array(IdeaResponse),
    handler: async () => listMyIdeas(ctx),
  })
  defineRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/ideas`,
    summary: 'Create an idea',
    tags: ['ideas'],
    body: CreateIdeaBody,
    status: 201,
    response: IdeaResponse,
    handler: async ({ body }) => createIdea(ctx, body),
  })
  defineRoute(app, {
    method: 'GET',
    url: idea,
    summary: 'One of my ideas or one shared with me',
    tags: ['ideas'],
    params: IdParams,
    response: IdeaResponse,
    handler: async ({ params }) => getIdea(ctx, params.id),
  })
  defineRoute(app, {
    method: 'PATCH',
    url: idea,
    summary:
      'Change tags, status, notes, prices or option legs of my idea (sharees get the new version and a history entry)',
    tags: ['ideas'],
    params: IdParams,
    body: PatchIdeaBody,
    response: IdeaResponse,
    handler: async ({ params, body }) => patchIdea(ctx, params.id, body),
  })
  defineRoute(app, {
    method: 'DELETE',
    url: idea,
    summary: 'Delete my idea (sharees lose it)',
    tags: ['ideas'],
    params: IdParams,
    status: 204,
    handler: async ({ params }) => deleteIdea(ctx, params.id),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${idea}/shares`,
    summary: 'Who my idea is shared with',
    tags: ['sharing'],
    params: IdParams,
    response: ShareList,
    handler: async ({ params }) => getShares(ctx, params.id),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/shares`,
    summary: 'Who each of my ideas is shared with (ideas shared with nobody are left out)',
    tags: ['sharing'],
    response: IdeaShareLists,
    handler: async () => allShares(ctx),
  })
  defineRoute(app, {
    method: 'PUT',
    url: `${idea}/shares`,
    summary: 'Set who my idea is shared with ([] revokes all); friends only',
    tags: ['sharing'],
    params: IdParams,
    body: PutSharesBody,
    response: SharesResponse,
    handler: async ({ params, body }) => putShares(ctx, params.id, body.userIds),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/shared`,
    summary: 'Ideas shared with me (read-only)',
    tags: ['sharing'],
    response: z.array(SharedIdea),
    handler: async () => listSharedWithMe(ctx),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${idea}/comments`,
    summary: 'Comment thread, ordered by (createdAt, id)',
    tags: ['comments'],
    params: IdParams,
    response: z.array(CommentResponse),
    handler: async ({ params }) => listComments(ctx, params.id),
  })
  defineRoute(app, {
    method: 'POST',
    url: `${idea}/comments`,
    summary: 'Comment on my idea or one shared with me (pending until the owner stores it)',
    tags: ['comments'],
    params: IdParams,
    body: CreateCommentBody,
    status: 201,
    response: CommentResponse,
    handler: async ({ params, body }) => postComment(ctx, params.id, body.body),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${idea}/activity`,
    summary: 'The idea’s history (who changed what, when), ordered by (createdAt, id)',
    tags: ['ideas'],
    params: IdParams,
    response: ActivityList,
    handler: async ({ params }) => listActivity(ctx, params.id),
  })
}
