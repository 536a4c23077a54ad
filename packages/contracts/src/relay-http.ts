import { z } from 'zod'
import { IsoTime, UserRef } from './common.js'

/** The relay's own HTTP answers: `/health`, `/api/users/online`, `/api/sessions`. */

/** A backend connected to the relay, as `GET /api/users/online` lists it: the relay's view of an `OnlineUser`. */
export const RelayOnlineUser = z.object({
  ...UserRef.shape,
  /** The URL the backend gave at the upgrade (`X-Backend-Url`), if any. */
  backendUrl: z.string().nullable(),
  connectedAt: IsoTime,
})
export type RelayOnlineUser = z.infer<typeof RelayOnlineUser>
/** `GET /api/users/online`. */
export const RelayOnlineUsers = z.array(RelayOnlineUser)
export type RelayOnlineUsers = z.infer<typeof RelayOnlineUsers>

export const CLUSTER_MODES = ['embedded', 'redis'] as const
export const REDIS_STATES = ['disabled', 'connected', 'disconnected'] as const
export const RelayClusterStatus = z.object({
  mode: z.enum(CLUSTER_MODES),
  redis: z.enum(REDIS_STATES),
  nodes: z.number().int().min(1),
})
export type RelayClusterStatus = z.infer<typeof RelayClusterStatus>

const Count = z.number().int().min(0)

/** The session rooms' part of `/health`. */
export const SessionHealthFields = z.object({
  active_sessions: Count,
  session_connections: Count,
  session_messages_received: Count,
  session_messages_routed: Count,
})
export type SessionHealthFields = z.infer<typeof SessionHealthFields>

/** `GET /health`: cluster-wide totals, then this node's own counts. */
export const RelayHealth = z.object({
  /** `degraded` while a relay configured with REDIS_URL cannot reach Redis. */
  status: z.enum(['healthy', 'degraded']),
  /** Seconds since the relay started. */
  uptime: Count,
  active_users: Count,
  total_connections: Count,
  total_events_routed: Count,
  node_id: z.string(),
  node: z.object({ id: z.string(), active_users: Count, connections: Count, events_routed: Count }),
  cluster: RelayClusterStatus,
  redis: z.enum(REDIS_STATES),
  protocol: z.number().int(),
  // Added by the parts of the relay (backend sockets, session rooms); each is there when its part runs.
  backend_connections: Count.optional(),
  ...SessionHealthFields.partial().shape,
})
export type RelayHealth = z.infer<typeof RelayHealth>

/** A session room as `GET /api/sessions` lists it: members longest-connected first, over every node. */
export const SessionSummary = z.object({
  session_id: z.string(),
  users: z.array(z.object({ user_id: z.string(), connected_at: IsoTime })),
})
export type SessionSummary = z.infer<typeof SessionSummary>
/** `GET /api/sessions`. */
export const SessionsResponse = z.object({
  sessions: z.array(SessionSummary),
  total_sessions: Count,
  total_connections: Count,
})
export type SessionsResponse = z.infer<typeof SessionsResponse>
