import { jwtVerify } from 'jose'
import { BENCH_SECRET } from '../lib/ids.js'

export interface BenchUser {
  id: string
  displayName: string
}

const key = new TextEncoder().encode(process.env.COLLAB_JWT_SECRET ?? BENCH_SECRET)

/** Verifies a backend token the way the relay does: HS256 only, `sub` and `name` and `exp` required. */
export async function verifyToken(token: string | undefined): Promise<BenchUser | undefined> {
  if (token === undefined || token.length === 0) return undefined
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      clockTolerance: 30,
      audience: 'pp-relay-backend',
    })
    if (typeof payload.sub !== 'string' || typeof payload.name !== 'string' || payload.exp === undefined) {
      return undefined
    }
    return { id: payload.sub, displayName: payload.name }
  } catch {
    return undefined
  }
}

export function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const m = /^Bearer\s+(.+)$/i.exec(header)
  return m?.[1]
}

export function portArg(): number {
  const i = process.argv.indexOf('--port')
  const v = i >= 0 ? Number(process.argv[i + 1]) : 0
  return Number.isInteger(v) ? v : 0
}

export const HEARTBEAT_MS = 25_000
