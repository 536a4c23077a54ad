import type { Logger } from 'pino'
import type { RelayConfig } from '../config.js'
import type { Cluster } from './cluster.js'
import { RedisCluster } from './redis-cluster.js'

/** The cluster link when REDIS_URL is set; without it the relay runs embedded, in memory. */
export function createCluster(config: RelayConfig, log: Logger): Cluster | undefined {
  if (config.REDIS_URL === undefined) return undefined
  return new RedisCluster({
    url: config.REDIS_URL,
    nodeId: config.nodeId,
    ttlMs: config.PRESENCE_TTL_MS,
    log,
  })
}
