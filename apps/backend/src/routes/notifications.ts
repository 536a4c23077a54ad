import { API_PREFIX, IdParams, Notification } from '@pp/contracts'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Ctx } from '../domain/context.js'
import { listNotifications, markRead } from '../domain/notifications.js'
import { defineRoute } from './define.js'

export function notificationRoutes(app: FastifyInstance, ctx: Ctx): void {
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/notifications`,
    summary: 'Notifications, newest first',
    tags: ['notifications'],
    response: z.array(Notification),
    handler: async () => listNotifications(ctx),
  })
  defineRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/notifications/:id/read`,
    summary: 'Mark a notification read',
    tags: ['notifications'],
    params: IdParams,
    response: Notification,
    handler: async ({ params }) => markRead(ctx, params.id),
  })
}
