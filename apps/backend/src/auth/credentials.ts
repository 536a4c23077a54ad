import type { IncomingHttpHeaders } from 'node:http'
import { sessionCookieName } from '@pp/contracts'
import { secretCheck } from './api-token.js'
import type { SignInStore } from './sign-in-store.js'

/** Who is calling: the API token's holder, a signed-in browser, or anyone (BACKEND_AUTH=none). */
export type Principal = { via: 'token' | 'session' | 'open' }

/** The cookies of a Cookie header (the first value of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim())
  }
  return out
}

/** The token of an `Authorization: Bearer <token>` header; undefined without one. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '')
  return m?.[1]
}

/**
 * Decides who a request comes from, for REST and for the socket.io handshake alike: a Bearer header must
 * carry the API token (compared in constant time); otherwise the session cookie must name a live
 * session. With BACKEND_AUTH=none everyone is let in.
 */
export class Authenticator {
  readonly cookieName: string
  private readonly isToken: (given: string) => boolean

  constructor(
    token: string,
    readonly store: SignInStore,
    userId: string,
    readonly required: boolean,
  ) {
    this.cookieName = sessionCookieName(userId)
    this.isToken = secretCheck(token)
  }

  async identify(headers: IncomingHttpHeaders): Promise<Principal | null> {
    if (!this.required) return { via: 'open' }
    const bearer = bearerOf(headers.authorization)
    if (bearer !== undefined) return this.isToken(bearer) ? { via: 'token' } : null
    const session = this.sessionIdOf(headers)
    if (session !== undefined && (await this.store.isSession(session))) return { via: 'session' }
    return null
  }

  sessionIdOf(headers: IncomingHttpHeaders): string | undefined {
    return parseCookies(headers.cookie).get(this.cookieName)
  }

  /** The Set-Cookie value that signs a browser in (HttpOnly, SameSite=Strict, Path=/). */
  cookie(sessionId: string, maxAgeMs: number, secure: boolean): string {
    const attrs = [`Max-Age=${Math.floor(maxAgeMs / 1000)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict']
    return [`${this.cookieName}=${sessionId}`, ...attrs, ...(secure ? ['Secure'] : [])].join('; ')
  }

  /** The Set-Cookie value that signs a browser out. */
  clearCookie(secure: boolean): string {
    return this.cookie('', 0, secure)
  }
}
