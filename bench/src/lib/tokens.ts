import { mintBackendToken, secretKey } from '@pp/contracts/tokens'
import { BENCH_SECRET, userId, userName } from './ids.js'

const key = secretKey(BENCH_SECRET)

/** A backend token for bench user `index` (HS256, sub, name, aud, exp in 1 day). */
export function mintToken(index: number): Promise<string> {
  return mintUserToken(userId(index), userName(index))
}

/** A backend token for any bench user. */
export function mintUserToken(id: string, name: string): Promise<string> {
  return mintBackendToken(key, { userId: id, name, ttlSeconds: 86_400 })
}
