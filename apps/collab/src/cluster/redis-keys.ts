import { ClusterLease, ClusterStats } from '@pp/contracts'
import type { Redis } from 'ioredis'
import type { z } from 'zod'

/** Where relay nodes meet in Redis: key names, channels, the lease scripts, and reading what is there. */

const PREFIX = 'pp:relay:'
export const USER_KEY = `${PREFIX}user:`
export const STATS_KEY = `${PREFIX}stats:`
export const PRESENCE_CHANNEL = `${PREFIX}presence`
export const SESSIONS_CHANNEL = `${PREFIX}sessions`
export const nodeChannel = (node: string) => `${PREFIX}node:${node}`

/** Refreshes a lease if it is still ours; re-creates it if it vanished (Redis restarted). */
export const REFRESH = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`
/** Deletes a lease only if it is still ours (not taken over by a newer connection elsewhere). */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** JSON text read with a schema from packages/contracts; undefined when it is not JSON or not that shape. */
export function readJson<S extends z.ZodType>(
  schema: S,
  text: string | null | undefined,
): z.output<S> | undefined {
  if (text === null || text === undefined) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = schema.safeParse(value)
  return parsed.success ? parsed.data : undefined
}

export const parseLease = (text: string | null): ClusterLease | undefined => readJson(ClusterLease, text)

/** Every key matching `pattern`, scanned in pages. */
export async function scanKeys(cmd: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, found] = await cmd.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    keys.push(...found)
  } while (cursor !== '0')
  return keys
}

/** Cluster-wide sums of the nodes' counters (`pp:relay:stats:<node>`), this node's own (`local`) included. */
export async function sumStats(
  cmd: Redis,
  nodeId: string,
  local: Record<string, number>,
): Promise<Record<string, number>> {
  const sums: Record<string, number> = { ...local, nodes: 1 }
  const others = (await scanKeys(cmd, `${STATS_KEY}*`)).filter((k) => k !== STATS_KEY + nodeId)
  if (others.length === 0) return sums
  for (const v of await cmd.mget(...others)) {
    if (v === null) continue
    sums.nodes = (sums.nodes ?? 1) + 1
    const stats = ClusterStats.parse(JSON.parse(v))
    for (const [k, n] of Object.entries(stats)) if (typeof n === 'number') sums[k] = (sums[k] ?? 0) + n
  }
  return sums
}
