import { z } from 'zod'
import { Id } from './common.js'

/** Claims of the token a backend presents to the relay (HS256, signed with COLLAB_JWT_SECRET). */
export const CollabTokenClaims = z.object({
  sub: Id,
  name: z.string().trim().min(1).max(100),
  exp: z.number().int(),
  iat: z.number().int().optional(),
})
export type CollabTokenClaims = z.infer<typeof CollabTokenClaims>

/** Leeway on `exp`, in seconds. */
export const TOKEN_CLOCK_TOLERANCE_S = 30
/**
 * Secret used when COLLAB_JWT_SECRET is not set outside production, so a development machine runs as the
 * guide describes without configuration. Production refuses to start without a real secret.
 */
export const DEV_JWT_SECRET = 'portfolio-planner-development-secret-do-not-use-in-production'
