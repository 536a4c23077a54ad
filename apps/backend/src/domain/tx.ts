import type { Prisma } from '../db/client.js'
import type { Ctx } from './context.js'
import { Effects } from './effects.js'

export type Tx = Prisma.TransactionClient

/**
 * Runs `work` in one database transaction and publishes its effects only after the commit: a change,
 * its notifications and its outbox rows are durable together before anything leaves the process.
 */
export async function inTx<T>(ctx: Ctx, work: (tx: Tx, fx: Effects) => Promise<T>): Promise<T> {
  const fx = new Effects()
  const result = await ctx.db.$transaction((tx) => work(tx, fx))
  ctx.sink.publish(fx)
  return result
}
