import {
  API_PREFIX,
  CreateSessionBody,
  SessionStatus,
  type SignInCodeResponse as SignInCode,
  SignInCodeResponse,
} from '@pp/contracts'
import type { FastifyInstance } from 'fastify'
import type { Authenticator } from '../auth/credentials.js'
import { SESSION_TTL_MS } from '../auth/sign-in-store.js'
import { HttpError } from '../domain/errors.js'
import { defineRoute } from './define.js'

/** Failed code exchanges a client address may make per minute (a successful sign-in does not count). */
export const CODE_GUESSES_PER_MIN = 10

/** The web app's URL with a sign-in code (`http://localhost:3000/?code=…`). */
export function signInUrl(webUrl: string, code: string): string {
  const url = new URL(webUrl)
  url.searchParams.set('code', code)
  return url.toString()
}

/**
 * /auth/sign-in-codes (a fresh one-time code, for the token holder), /auth/session (exchange a code for
 * the session cookie; whether the caller is signed in; sign out).
 */
export function authRoutes(app: FastifyInstance, auth: Authenticator, webUrl: string | undefined): void {
  const guesses = app.createRateLimit({
    max: CODE_GUESSES_PER_MIN,
    timeWindow: 60_000,
    keyGenerator: (req) => `sign-in-code:${req.ip}`,
  })

  defineRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/sign-in-codes`,
    summary: 'A fresh single-use sign-in code (valid 24 h) and, when the web URL is known, its link',
    tags: ['auth'],
    status: 201,
    response: SignInCodeResponse,
    handler: async (): Promise<SignInCode> => {
      const { code, expiresAt } = await auth.store.createCode()
      return {
        code,
        expiresAt: expiresAt.toISOString(),
        ...(webUrl === undefined ? {} : { signInUrl: signInUrl(webUrl, code) }),
      }
    },
  })

  defineRoute(app, {
    method: 'POST',
    url: `${API_PREFIX}/auth/session`,
    summary:
      'Exchange a sign-in code for the session cookie (HttpOnly, SameSite=Strict); 401 when it is used or unknown',
    tags: ['auth'],
    public: true,
    body: CreateSessionBody,
    status: 204,
    handler: async ({ body }, { req, reply }) => {
      const seen = await guesses(req, { increment: false })
      if (!seen.isAllowed && seen.remaining <= 0) {
        reply.header('retry-after', String(seen.ttlInSeconds))
        throw new HttpError(429, `Too many wrong sign-in codes; try again in ${seen.ttlInSeconds} s`)
      }
      const session = await auth.store.exchange(body.code)
      if (session === undefined) {
        await guesses(req)
        throw new HttpError(
          401,
          'This sign-in link is not valid: it was used already, has expired or was never issued. Ask for a new one',
          'code',
        )
      }
      reply.header('set-cookie', auth.cookie(session.sessionId, SESSION_TTL_MS, req.protocol === 'https'))
      reply.header('cache-control', 'no-store')
      return undefined
    },
  })

  defineRoute(app, {
    method: 'GET',
    url: `${API_PREFIX}/auth/session`,
    summary: 'Whether the caller is signed in (a session cookie or the API token)',
    tags: ['auth'],
    public: true,
    response: SessionStatus,
    handler: async (_input, { req }) => ({ signedIn: req.principal !== null, authRequired: auth.required }),
  })

  defineRoute(app, {
    method: 'DELETE',
    url: `${API_PREFIX}/auth/session`,
    summary: 'Sign out: ends the session and clears its cookie',
    tags: ['auth'],
    public: true,
    status: 204,
    handler: async (_input, { req, reply }) => {
      const id = auth.sessionIdOf(req.headers)
      if (id !== undefined) await auth.store.endSession(id)
      reply.header('set-cookie', auth.clearCookie(req.protocol === 'https'))
      return undefined
    },
  })
}
