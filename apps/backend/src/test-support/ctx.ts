import { join } from 'node:path'
import type {
  ActivityEntry,
  Comment,
  DomainEvent,
  Idea,
  PublicKeys,
  SendFrame,
  SignedComment,
  UserRef,
} from '@pp/contracts'
import { generateKeys, type OwnKeys, Sealer, signComment } from '@pp/contracts/sealing'
import { type Logger, pino } from 'pino'
import { uuidv7 } from 'uuidv7'
import { configFrom } from '../config.js'
import { KeyRing } from '../crypto/keyring.js'
import { type Db, openBackendDatabase } from '../db/client.js'
import { sqlOf } from '../db/sql.js'
import { Dispatcher, type Link } from '../delivery/dispatcher.js'
import type { Ctx } from '../domain/context.js'
import type { Effects, LiveEmit } from '../domain/effects.js'
import type { InboundEvent } from '../domain/inbound.js'
import { PeerNames } from '../domain/peer-names.js'
import { askForKeys } from '../domain/receive.js'
import { inTx } from '../domain/tx.js'
import { testDatabaseEnv } from './database.js'
import { tempDir, USER_A, USER_B, USER_C } from './temp.js'

/** Each test user's keys, made once per test process. */
const TEST_KEYS = new Map<string, OwnKeys>([USER_A, USER_B, USER_C].map((u) => [u.id, generateKeys()]))

export function testKeys(userId: string): OwnKeys {
  let keys = TEST_KEYS.get(userId)
  if (keys === undefined) {
    keys = generateKeys()
    TEST_KEYS.set(userId, keys)
  }
  return keys
}

/**
 * Domain context over a real database (a SQLite temp file, or a schema of its own on the Postgres run),
 * recording what would be published after commit. The
 * other test users' keys are pinned, as their `hello`s would have pinned them (`pinned: false` to start
 * from nobody's keys).
 */
export async function testCtx(
  me: UserRef = USER_A,
  opts: { pinned?: boolean } = {},
): Promise<{
  ctx: Ctx
  db: Db
  /** The folder of its database file (unit.db). */
  dir: string
  live: LiveEmit[]
  published: Effects[]
  close: () => Promise<void>
}> {
  const t = tempDir()
  const { database } = configFrom({
    ...testDatabaseEnv(join(t.dir, 'unit.db')),
    BACKEND_USER_ID: me.id,
    BACKEND_DISPLAY_NAME: me.displayName,
  })
  const { db } = await openBackendDatabase(database)
  const live: LiveEmit[] = []
  const published: Effects[] = []
  const keys = new KeyRing(me.id, testKeys(me.id), db)
  if (opts.pinned !== false) {
    for (const u of [USER_A, USER_B, USER_C].filter((u) => u.id !== me.id)) await pinKeys(db, u.id)
  }
  const ctx: Ctx = {
    db,
    me,
    log: pino({ level: 'silent' }),
    sink: {
      publish: (fx) => {
        for (const u of fx.peers) keys.forget(u)
        published.push(fx)
        live.push(...fx.live)
      },
    },
    isOnline: () => false,
    names: new PeerNames(),
    keys,
  }
  return {
    ctx,
    db,
    dir: t.dir,
    live,
    published,
    close: async () => {
      await db.$disconnect()
      t.cleanup()
    },
  }
}

/** Pins a test user's keys in `db` (as its `hello` would). */
export async function pinKeys(db: Db, userId: string, keys: PublicKeys = testKeys(userId).public) {
  await db.peerKey.upsert({
    where: { userId },
    create: { userId, signKey: keys.sign, boxKey: keys.box, source: 'hello' },
    update: { signKey: keys.sign, boxKey: keys.box },
  })
}

/** A comment as a test writes it: signed by its author's test keys unless it already is. */
export type TestComment = Comment & Partial<Pick<SignedComment, 'signature' | 'authorKey'>>

export function signed(c: TestComment): SignedComment {
  const keys = testKeys(c.author.id)
  return {
    ...c,
    signature: c.signature ?? signComment(keys, c),
    authorKey: c.authorKey ?? keys.public.sign,
  }
}

/** Domain events as tests write them: comments signed and friend events keyed for the sender. */
export type TestEvent =
  | Exclude<DomainEvent, { type: 'comment_added' | 'position_shared' | 'friend_request' | 'friend_accepted' }>
  | { type: 'comment_added'; comment: TestComment }
  | { type: 'position_shared'; idea: Idea; comments: TestComment[]; activity?: ActivityEntry[] }
  | { type: 'friend_request' | 'friend_accepted'; user: UserRef; keys?: PublicKeys }

export function frame(from: UserRef, event: TestEvent, id = uuidv7()): InboundEvent {
  switch (event.type) {
    case 'comment_added':
      return { id, from, event: { type: 'comment_added', comment: signed(event.comment) } }
    case 'position_shared':
      return {
        id,
        from,
        event: { ...event, comments: event.comments.map(signed), activity: event.activity ?? [] },
      }
    case 'friend_request':
    case 'friend_accepted':
      return { id, from, event: { ...event, keys: event.keys ?? testKeys(event.user.id).public } }
    default:
      return { id, from, event }
  }
}

/** A dispatcher over a test context's database and keys. */
export function testDispatcher(
  t: { db: Db; ctx: Ctx },
  link: Link,
  log: Logger = pino({ level: process.env.PP_TEST_LOG ?? 'silent' }),
): Dispatcher {
  // The test context publishes nothing: the hello a dispatcher asks for is dispatched at once here, as
  // the hub's publish would.
  const d: Dispatcher = new Dispatcher(
    t.db,
    link,
    log,
    new PeerNames(),
    () => {},
    t.ctx.keys,
    async (u) => {
      await askForKeys(t.ctx, u)
      d.kick()
    },
    (work) => inTx(t.ctx, (tx) => work(sqlOf(tx))),
  )
  return d
}

/** Opens a frame a test dispatcher sent (from `fromId`), as its recipient would. */
export function openSent(f: SendFrame, fromId: string): DomainEvent {
  const to = f.to[0]
  if (to === undefined || f.event.type === 'hello') throw new Error('not a sealed event')
  const opened = new Sealer(to, testKeys(to)).open(
    { id: fromId, keys: testKeys(fromId).public },
    f.id,
    f.event,
  )
  if (!opened.ok) throw new Error(`the sent event does not open: ${opened.message}`)
  return opened.event
}
