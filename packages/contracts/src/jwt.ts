import { z } from 'zod'
import { Id } from './common.js'

/**
 * Token audiences: a backend token opens `/v1/backends`, a session token opens `/ws/{session}/{user}`.
 * Neither is accepted where the other is expected.
 */
export const TokenAudience = {
  BACKEND: 'pp-relay-backend',
  SESSION: 'pp-relay-session',
} as const
export type TokenAudience = (typeof TokenAudience)[keyof typeof TokenAudience]

/** Algorithms the relay verifies: EdDSA (Ed25519) or ES256 with a public key, HS256 with a secret. */
export const TOKEN_ALGORITHMS = ['EdDSA', 'ES256', 'HS256'] as const
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number]

/** Longest life a backend token may have: 30 days. */
export const MAX_BACKEND_TOKEN_TTL_S = 30 * 86_400

/** Claims of the token a backend presents to the relay (`aud` = TokenAudience.BACKEND). */
export const CollabTokenClaims = z.object({
  sub: Id,
  /**
   * The operator's label for the user (relay logs, the online list). Optional: a user's own display
   * name travels only sealed, between friends; without `name` the relay knows the user by id.
   */
  name: z.string().trim().min(1).max(100).optional(),
  aud: z.union([
    z.literal(TokenAudience.BACKEND),
    z.array(z.string()).refine((a) => a.includes(TokenAudience.BACKEND)),
  ]),
  exp: z.number().int(),
  iat: z.number().int().optional(),
})
export type CollabTokenClaims = z.infer<typeof CollabTokenClaims>

/**
 * Claims of a session-room token (`aud` = TokenAudience.SESSION): `sub` is the user id in the path;
 * `sessions`, when present, lists the only session ids it may join.
 */
export const SessionTokenClaims = z.object({
  sub: z.string().min(1).max(128),
  aud: z.union([
    z.literal(TokenAudience.SESSION),
    z.array(z.string()).refine((a) => a.includes(TokenAudience.SESSION)),
  ]),
  exp: z.number().int(),
  iat: z.number().int().optional(),
  sessions: z.array(z.string().min(1).max(128)).max(1000).optional(),
})
export type SessionTokenClaims = z.infer<typeof SessionTokenClaims>

/** Leeway on `exp`, in seconds. */
export const TOKEN_CLOCK_TOLERANCE_S = 30
/**
 * Secret used when neither COLLAB_JWT_PUBLIC_KEY nor COLLAB_JWT_SECRET is set outside production, so a
 * development machine runs as the guide describes without configuration. Production refuses it.
 */
export const DEV_JWT_SECRET = 'portfolio-planner-development-secret-do-not-use-in-production'

/** Secrets that are public (this file, `.env.example`): refused in production. */
export const KNOWN_PUBLIC_SECRETS: readonly string[] = [DEV_JWT_SECRET, 'change-me-to-a-long-random-secret']

/** Smallest HS256 secret production accepts, in bytes. */
export const MIN_PRODUCTION_SECRET_BYTES = 32

/** `NODE_ENV` names production, in any case (`Production`, `PRODUCTION`). */
export function isProduction(nodeEnv: string | undefined): boolean {
  return nodeEnv?.trim().toLowerCase() === 'production'
}
