import {
  API_PREFIX,
  CollabStatus,
  DeliveryStats,
  HealthResponse,
  Me,
  OnlineUser,
  Position,
} from '@pp/contracts'
import { fingerprint } from '@pp/contracts/sealing'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { listPositions } from '../domain/positions.js'
import type { Hub } from '../hub.js'
import { defineRoute } from './define.js'

const startedAt = Date.now()

export function health(hub: Hub): HealthResponse {
  const link = hub.linkState()
  return {
    status: 'healthy',
    uptime: Math.round((Date.now() - startedAt) / 1000),
    user: hub.ctx.me,
    collaboration: { enabled: link.enabled, connected: link.connected, since: link.since },
  }
}

/** /health (also at the root), /me, /positions, /users/online, /collab/status, /debug/delivery. */
export function systemRoutes(app: FastifyInstance, hub: Hub, useMock: boolean): void {
  const { db } = hub.ctx
  for (const url of ['/health', `${API_PREFIX}/health`]) {
    defineRoute(app, {
      method: 'GET',
      url,
      summary: 'Service health and relay link',
      tags: ['system'],
      public: true,
      response: HealthResponse,
      handler: async () => health(hub),
    })
  }
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/me`,
    summary: 'The user this backend serves',
    tags: ['system'],
    response: Me,
    handler: async () => ({ ...hub.ctx.me, fingerprint: fingerprint(hub.ctx.keys.publicKeys) }),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/positions`,
    summary: 'Brokerage positions (mock data when USE_MOCK_SCHWAB_DATA=true)',
    tags: ['positions'],
    response: z.array(Position),
    handler: async () => listPositions(db, useMock),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/users/online`,
    summary: 'Users online at the relay, me among them; empty while the relay is unreachable',
    tags: ['friends'],
    response: z.array(OnlineUser),
    handler: async () => hub.onlineUsers(),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/collab/status`,
    summary: 'Relay link, and per peer the events waiting in the outbox and the oldest one’s age',
    tags: ['collaboration'],
    response: CollabStatus,
    handler: async () => hub.status(),
  })
  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/debug/delivery`,
    summary: 'Delivery counters: received events by outcome, outbox rows',
    tags: ['collaboration'],
    response: DeliveryStats,
    handler: async () => {
      const [inbox, pending, acked] = await Promise.all([
        db.inbox.groupBy({ by: ['outcome'], _count: { _all: true } }),
        db.outbox.count({ where: { ackedAt: null } }),
        db.outbox.count({ where: { ackedAt: { not: null } } }),
      ])
      return {
        sinceStart: { ...hub.counters },
        refusals: { ...hub.refusals },
        inbox: Object.fromEntries(inbox.map((g) => [g.outcome, g._count._all])),
        outbox: { pending, acked },
      }
    },
  })
}
