import { activeContext, type Context, withContext } from '@pp/telemetry'
import { type Db, isSerializationFailure, type Prisma, sqliteStatements } from '../db/client.js'
import { bindSql, PrismaSql, type SqliteSql } from '../db/sql.js'
import { commitGroupSize } from '../metrics.js'
import { type EffectSink, Effects } from './effects.js'

export type Tx = Prisma.TransactionClient

type Work<T> = (tx: Tx, fx: Effects) => Promise<T>

/** What a transaction needs of the backend's context (the whole `Ctx` has these). */
export type TxHost = { db: Db; sink: EffectSink; commits?: GroupCommitter }

/**
 * Runs `work` as one transaction and publishes its effects only after the commit: a change, its
 * notifications and its outbox rows are durable together before anything leaves the process. With a
 * group committer (every running backend has one), concurrent transactions share one commit.
 */
export async function inTx<T>(ctx: TxHost, work: Work<T>): Promise<T> {
  if (ctx.commits) return ctx.commits.run(work)
  // Fresh effects for every attempt: a database may run a transaction again (PostgreSQL, after a lost
  // serialization race), and what a lost attempt collected must not be published.
  const sqlite = sqliteStatements(ctx.db)
  const { result, fx } = await ctx.db.$transaction(async (tx) => {
    bindSql(tx, sqlite ?? new PrismaSql(tx))
    const fx = new Effects()
    return { result: await work(tx, fx), fx }
  })
  ctx.sink.publish(fx)
  return result
}

type Done = { job: Job; ok: true; value: unknown; fx: Effects } | { job: Job; ok: false; err: unknown }

type Job = {
  work: Work<unknown>
  /** The caller's trace context: its work and its effects run in it. */
  ctx: Context
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
}

/** Most transactions in one commit; a longer queue goes in the next. */
const MAX_GROUP = 256
/** A group of many small transactions takes far less; this bounds a stuck one. */
const GROUP_TIMEOUT_MS = 30_000

/**
 * Group commit: transactions that arrive while a commit is under way (REST writes, received events,
 * a hello) are run one after another in the next database transaction, each inside its own savepoint,
 * and committed together with one fsync. One that fails rolls back to its savepoint alone and its caller
 * gets the error; the others commit. Every caller hears back (and its effects are published: browser
 * pushes, dispatch, acks) only after the commit that made it durable, so nothing is answered 2xx or acked
 * before it is on disk (synchronous=FULL). Transactions run in the order they were submitted.
 */
export class GroupCommitter {
  private queue: Job[] = []
  private running = false
  /** Sizes of the groups committed since start (for tests and the bench). */
  readonly groups = { count: 0, transactions: 0, largest: 0 }
  /** On SQLite the group's transaction is begun and committed on the connection itself. */
  private readonly sqlite: SqliteSql | undefined

  constructor(
    private readonly db: Db,
    private readonly publish: (fx: Effects) => void,
  ) {
    this.sqlite = sqliteStatements(db)
  }

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        work: work as Work<unknown>,
        ctx: activeContext(),
        resolve: resolve as (v: unknown) => void,
        reject,
      })
      if (!this.running) {
        this.running = true
        // Whatever else is submitted in this turn of the event loop joins the first group.
        setImmediate(() => void this.drain())
      }
    })
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commitGroup(this.queue.splice(0, MAX_GROUP))
    } finally {
      this.running = false
    }
  }

  private async commitGroup(group: Job[]): Promise<void> {
    let done: Done[]
    try {
      done = this.sqlite ? await this.inSqlite(this.sqlite, group) : await this.inPrisma(group)
    } catch (err) {
      // The commit itself failed: nothing of the group is durable.
      for (const job of group) job.reject(err)
      return
    }
    this.groups.count += 1
    this.groups.transactions += group.length
    this.groups.largest = Math.max(this.groups.largest, group.length)
    commitGroupSize.observe(group.length)
    this.settle(done)
  }

  private settle(done: Done[]): void {
    for (const d of done) {
      if (d.ok) {
        withContext(d.job.ctx, () => this.publish(d.fx))
        d.job.resolve(d.value)
      } else {
        d.job.reject(d.err)
      }
    }
  }

  /** Runs one job in its savepoint; a failed job rolls back alone (and its caller gets the error). */
  private async runJob(
    tx: Tx,
    job: Job,
    savepoint: (sql: string) => Promise<void> | void,
    done: Done[],
  ): Promise<void> {
    const fx = new Effects()
    await savepoint('SAVEPOINT pp_job')
    try {
      const value = await withContext(job.ctx, () => job.work(tx, fx))
      await savepoint('RELEASE SAVEPOINT pp_job')
      done.push({ job, ok: true, value, fx })
    } catch (err) {
      // A lost serialization race (PostgreSQL) is the whole transaction's: it runs again.
      if (isSerializationFailure(err)) throw err
      await savepoint('ROLLBACK TO SAVEPOINT pp_job')
      await savepoint('RELEASE SAVEPOINT pp_job')
      done.push({ job, ok: false, err })
    }
  }

  /**
   * SQLite: BEGIN, savepoints and COMMIT straight on the connection Prisma uses, whose every query (the
   * jobs' Prisma calls and their prepared statements alike) then runs inside this transaction.
   */
  private async inSqlite(sqlite: SqliteSql, group: Job[]): Promise<Done[]> {
    const conn = sqlite.connection
    const done: Done[] = []
    const statement = (sql: string) => void sqlite.statement(sql).run()
    // A group of one needs no savepoint: if it fails, the whole transaction is its own.
    const alone = group.length === 1
    statement('BEGIN IMMEDIATE')
    try {
      for (const job of group) await this.runJob(this.db, job, alone ? () => {} : statement, done)
      statement(alone && done[0]?.ok === false ? 'ROLLBACK' : 'COMMIT')
    } catch (err) {
      if (conn.inTransaction) conn.exec('ROLLBACK')
      throw err
    }
    return done
  }

  /** PostgreSQL: one interactive transaction (run again whole after a lost serialization race). */
  private async inPrisma(group: Job[]): Promise<Done[]> {
    const done: Done[] = []
    await this.db.$transaction(
      async (tx) => {
        done.length = 0
        bindSql(tx, new PrismaSql(tx))
        for (const job of group) {
          await this.runJob(tx, job, async (sql) => void (await tx.$executeRawUnsafe(sql)), done)
        }
      },
      { timeout: GROUP_TIMEOUT_MS, maxWait: GROUP_TIMEOUT_MS },
    )
    return done
  }
}
