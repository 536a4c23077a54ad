import type { UserRef } from '@pp/contracts'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import type { EffectSink } from './effects.js'

/** Everything domain logic needs; no Fastify, no sockets. */
export type Ctx = {
  db: Db
  me: UserRef
  log: Logger
  sink: EffectSink
  /** Last known presence of a user at the relay. */
  isOnline: (userId: string) => boolean
  /** Display names learnt from the relay (presence, online list, events). */
  names: Map<string, string>
}
