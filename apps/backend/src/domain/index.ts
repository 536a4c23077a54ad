/**
 * The domain as another package drives it in-process (the bench's storage scenario): the hot path's
 * operations exactly as the running backend performs them, without Fastify or sockets.
 */
export { KeyRing } from '../crypto/keyring.js'
export { sqlOf } from '../db/sql.js'
export { postComment } from './comments.js'
export type { Ctx } from './context.js'
export { applyInbound, type InboundEvent } from './inbound.js'
export { PeerNames } from './peer-names.js'
export { markAcked } from './store.js'
export { GroupCommitter, inTx } from './tx.js'
