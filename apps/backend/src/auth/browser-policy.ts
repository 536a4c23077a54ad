import type { IncomingHttpHeaders } from 'node:http'
import type { Config } from '../config.js'

export type Refusal = { status: 403 | 415; message: string }

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The host name of a Host header (`localhost:8000` → `localhost`, `[::1]:8000` → `[::1]`), lower case. */
export function hostnameOf(host: string | undefined): string | undefined {
  const h = host?.trim().toLowerCase()
  if (h === undefined || h === '') return undefined
  if (h.startsWith('[')) {
    const end = h.indexOf(']')
    return end > 0 ? h.slice(0, end + 1) : undefined
  }
  const name = h.split(':')[0]?.replace(/\.$/, '')
  return name === undefined || name === '' ? undefined : name
}

function urlHost(url: string | undefined): string[] {
  if (url === undefined) return []
  try {
    return [new URL(url).hostname.toLowerCase()]
  } catch {
    return []
  }
}

/**
 * What a browser may do with this backend, beyond credentials: the `Host` it may name (against DNS
 * rebinding), the page origins it may come from, and the shape of a state-changing request (no cross-
 * site request, JSON bodies only, so a `no-cors` form or text POST fails). Plain functions of headers, so
 * REST and the socket.io handshake apply the same rules.
 */
export class BrowserPolicy {
  readonly hosts: ReadonlySet<string>
  private readonly origins: ReadonlySet<string>

  constructor(
    config: Pick<Config, 'HOST' | 'BACKEND_URL' | 'BACKEND_WEB_URL' | 'CORS_ORIGINS' | 'ALLOWED_HOSTS'>,
  ) {
    const bind = hostnameOf(
      config.HOST.includes(':') && !config.HOST.startsWith('[') ? `[${config.HOST}]` : config.HOST,
    )
    this.hosts = new Set(
      [
        'localhost',
        '127.0.0.1',
        '[::1]',
        ...(bind === undefined ? [] : [bind]),
        ...urlHost(config.BACKEND_URL),
        ...urlHost(config.BACKEND_WEB_URL),
        ...config.CORS_ORIGINS.flatMap((o) => urlHost(o)),
        ...config.ALLOWED_HOSTS.map((h) => hostnameOf(h) ?? h.toLowerCase()),
      ].filter((h) => h !== ''),
    )
    this.origins = new Set(
      [...config.CORS_ORIGINS, ...(config.BACKEND_URL ? [new URL(config.BACKEND_URL).origin] : [])].map((o) =>
        o.toLowerCase(),
      ),
    )
  }

  /** A refusal when the Host header names a host this backend does not answer to. */
  hostRefusal(headers: IncomingHttpHeaders): Refusal | undefined {
    const name = hostnameOf(headers.host)
    if (name !== undefined && this.hosts.has(name)) return undefined
    return {
      status: 403,
      message: `Host ${JSON.stringify(headers.host ?? '')} is not one this backend answers to`,
    }
  }

  /** An Origin, when present, must be this backend's own (the origin the request addresses) or a listed one. */
  originRefusal(headers: IncomingHttpHeaders, secure: boolean): Refusal | undefined {
    const origin = headers.origin
    if (origin === undefined) return undefined
    const o = origin.trim().toLowerCase()
    const own =
      headers.host === undefined ? undefined : `${secure ? 'https' : 'http'}://${headers.host.toLowerCase()}`
    if (o === own || this.origins.has(o)) return undefined
    return { status: 403, message: `Origin ${origin} is not allowed` }
  }

  /** Checks every request: Host always; Origin, Sec-Fetch-Site and the body's type when it changes state. */
  requestRefusal(method: string, headers: IncomingHttpHeaders, secure: boolean): Refusal | undefined {
    const host = this.hostRefusal(headers)
    if (host !== undefined || !STATE_CHANGING.has(method.toUpperCase())) return host
    const origin = this.originRefusal(headers, secure)
    if (origin !== undefined) return origin
    if (headers['sec-fetch-site']?.toLowerCase() === 'cross-site')
      return { status: 403, message: 'Cross-site requests may not change anything' }
    const type = headers['content-type']
    const hasBody =
      headers['transfer-encoding'] !== undefined ||
      (headers['content-length'] !== undefined && headers['content-length'] !== '0')
    if ((type !== undefined || hasBody) && !isJson(type))
      return { status: 415, message: 'body: must be application/json' }
    return undefined
  }

  /** Checks a socket.io handshake: Host and Origin (a WebSocket is not covered by CORS). */
  upgradeRefusal(headers: IncomingHttpHeaders, secure: boolean): Refusal | undefined {
    return this.hostRefusal(headers) ?? this.originRefusal(headers, secure)
  }
}

function isJson(type: string | undefined): boolean {
  const essence = type?.split(';')[0]?.trim().toLowerCase()
  return essence === 'application/json'
}
