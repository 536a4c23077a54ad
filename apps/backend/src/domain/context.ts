import type { UserRef } from '@pp/contracts'
import type { LineBudget } from '@pp/telemetry'
import type { Logger } from 'pino'
import type { KeyRing } from '../crypto/keyring.js'
import type { Db } from '../db/client.js'
import type { EffectSink } from './effects.js'
import type { PeerNames } from './peer-names.js'
import type { GroupCommitter } from './tx.js'

/** Everything domain logic needs; no Fastify, no sockets. */
export type Ctx = {
  db: Db
  me: UserRef
  log: Logger
  sink: EffectSink
  /** Last known presence of a user at the relay. */
  isOnline: (userId: string) => boolean
  /** Display names for logs and the online list: friends' (signed) names, else the relay's label. */
  names: PeerNames
  /** This backend's keys and the pinned keys of its peers. */
  keys: KeyRing
  /** The budget of per-event info lines (absent: every event gets its line). */
  eventLines?: LineBudget
  /** Group commit for every transaction (absent: each transaction commits on its own). */
  commits?: GroupCommitter
}
