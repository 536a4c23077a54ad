import { copyFileSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { EnvError } from '@pp/contracts'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PrismaClient } from '../generated/prisma/client.js'
import { tempDir } from '../test-support/temp.js'
import { fileState, rotateKey, SQLITE_HEADER } from './cipher.js'
import { adapterFor, openDatabase } from './client.js'
import { rekeyFrom } from './rotate.js'

const KEY = 'correct horse battery staple'
const SECRET_TEXT = 'very-secret-tombstone-reason'
const IDEA = '00000000-0000-0000-0000-0000000000aa'

function header(path: string): Buffer {
  return readFileSync(path).subarray(0, 16)
}

/** The one line an EnvError carries (fails if there are more). */
async function envLine(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run()
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError)
    expect((err as EnvError).lines).toHaveLength(1)
    return (err as EnvError).lines[0] ?? ''
  }
  throw new Error('expected an EnvError')
}

async function writeRow(path: string, key: string | undefined, reason = SECRET_TEXT) {
  const { db } = await openDatabase(path, { key })
  await db.tombstone.create({ data: { ideaId: `idea-${reason}`, reason } })
  await db.$disconnect()
}

async function reasons(path: string, key: string | undefined): Promise<string[]> {
  const { db } = await openDatabase(path, { key })
  try {
    return (await db.tombstone.findMany()).map((t) => t.reason)
  } finally {
    await db.$disconnect()
  }
}

describe('ENCRYPTION_KEY: an encrypted database file', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('is created encrypted: no SQLite header, no plaintext in the file or its WAL', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'enc.db')
    const { db } = await openDatabase(path, { key: KEY })
    await db.tombstone.create({ data: { ideaId: IDEA, reason: SECRET_TEXT } })
    // While Prisma is connected the rows may still sit in the WAL: that is encrypted too.
    for (const f of readdirSync(t.dir)) {
      expect(readFileSync(join(t.dir, f)).includes(SECRET_TEXT), f).toBe(false)
    }
    const [mode] = await db.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode')
    expect(mode?.journal_mode).toBe('wal')
    await db.$disconnect()
    expect(header(path).equals(SQLITE_HEADER)).toBe(false)
    expect(header(path).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3')
    expect(fileState(path)).toBe('encrypted')
    expect(readFileSync(path).includes(SECRET_TEXT)).toBe(false)
  })

  it('cannot be opened without the key or with a wrong one: one clear line each', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'enc.db')
    await writeRow(path, KEY)
    expect(await envLine(() => openDatabase(path))).toBe(
      `ENCRYPTION_KEY: is needed to open ${path} (it is encrypted, or not a SQLite database)`,
    )
    expect(await envLine(() => openDatabase(path, { key: `${KEY}!` }))).toBe(
      `ENCRYPTION_KEY: cannot open ${path}: wrong key or not an encrypted database`,
    )
    // Nor by plain SQLite.
    const raw = new Database(path)
    expect(() => raw.prepare('SELECT * FROM sqlite_master').all()).toThrow(/not a database/)
    raw.close()
    // And the file is unharmed by the failed attempts.
    expect(await reasons(path, KEY)).toEqual([SECRET_TEXT])
  })

  it('keeps its data across a restart, and Prisma’s reconnect is keyed too', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'enc.db')
    const first = await openDatabase(path, { key: KEY })
    await first.db.tombstone.create({ data: { ideaId: IDEA, reason: 'one' } })
    await first.db.$disconnect()
    // A query after $disconnect makes Prisma connect again: that connection must be keyed as well.
    expect(await first.db.tombstone.count()).toBe(1)
    await first.db.$disconnect()

    const second = await openDatabase(path, { key: KEY })
    expect(second.migrations.applied).toEqual([])
    await second.db.tombstone.create({
      data: { ideaId: '00000000-0000-0000-0000-0000000000ab', reason: 'two' },
    })
    await second.db.$disconnect()
    expect((await reasons(path, KEY)).sort()).toEqual(['one', 'two'])
  })

  it('takes any key string: quotes, semicolons, unicode', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'odd.db')
    const odd = `it's "odd"; PRAGMA key='x'; -- ü€ \\ ${'x'.repeat(200)}`
    await writeRow(path, odd)
    expect(await reasons(path, odd)).toEqual([SECRET_TEXT])
    expect(await envLine(() => openDatabase(path, { key: "it's" }))).toMatch(/wrong key/)
    expect(await envLine(() => openDatabase(path, { key: 'x' }))).toMatch(/wrong key/)
  })

  it('is written in the SQLCipher 4 format (sqlcipher scheme, legacy=4, PRAGMA key)', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'enc.db')
    await writeRow(path, KEY)
    const raw = new Database(path)
    raw.pragma("cipher = 'sqlcipher'")
    raw.pragma('legacy = 4')
    raw.pragma(`key = '${KEY}'`)
    expect(raw.prepare('SELECT reason FROM "Tombstone"').all()).toEqual([{ reason: SECRET_TEXT }])
    raw.close()
    // The library's default scheme (chacha20) with the same key does not open it.
    const other = new Database(path)
    other.pragma(`key = '${KEY}'`)
    expect(() => other.prepare('SELECT * FROM sqlite_master').all()).toThrow(/not a database/)
    other.close()
  })

  it('Prisma uses one keyed connection, for queries and transactions alike', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'enc.db')
    await writeRow(path, KEY)
    const factory = adapterFor(path, KEY)
    const connect = vi.spyOn(factory, 'connect')
    const db = new PrismaClient({ adapter: factory })
    try {
      await Promise.all([
        db.tombstone.count(),
        db.tombstone.findMany(),
        db.$transaction((tx) => tx.tombstone.count()),
        db.$transaction([db.tombstone.count(), db.tombstone.findFirst()]),
      ])
      const [sync] = await db.$transaction((tx) =>
        tx.$queryRawUnsafe<Array<{ synchronous: bigint }>>('PRAGMA synchronous'),
      )
      expect(Number(sync?.synchronous)).toBe(2)
      expect(connect).toHaveBeenCalledTimes(1)
    } finally {
      await db.$disconnect()
    }
  })
})

describe('ENCRYPTION_KEY on an old plaintext database', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('encrypts it in place on the first keyed start, logs it once, keeps every row', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'old.db')
    await writeRow(path, undefined, 'a')
    await writeRow(path, undefined, 'b')
    expect(header(path).equals(SQLITE_HEADER)).toBe(true)

    const info = vi.fn()
    const { db, migrations } = await openDatabase(path, { key: KEY, log: { info } })
    expect(migrations.applied).toEqual([])
    expect(info).toHaveBeenCalledTimes(1)
    expect(info).toHaveBeenCalledWith({ path }, 'database encrypted')
    expect((await db.tombstone.findMany()).map((r) => r.reason).sort()).toEqual(['a', 'b'])
    const [mode] = await db.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode')
    expect(mode?.journal_mode).toBe('wal')
    const [check] = await db.$queryRawUnsafe<Array<{ integrity_check: string }>>('PRAGMA integrity_check')
    expect(check?.integrity_check).toBe('ok')
    await db.$disconnect()

    expect(fileState(path)).toBe('encrypted')
    expect(readFileSync(path).includes('"Tombstone"')).toBe(false)
    // Next start: already encrypted, nothing logged; without the key it no longer opens.
    const again = vi.fn()
    const second = await openDatabase(path, { key: KEY, log: { info: again } })
    await second.db.$disconnect()
    expect(again).not.toHaveBeenCalled()
    expect(await envLine(() => openDatabase(path))).toMatch(/ENCRYPTION_KEY: is needed/)
  })

  it('takes in rows still in the WAL of a database that was not closed (a crash)', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const live = join(t.dir, 'live.db')
    await writeRow(live, undefined, 'checkpointed')
    const raw = new Database(live)
    raw.pragma('journal_mode = WAL')
    raw.pragma('wal_autocheckpoint = 0')
    raw.prepare('INSERT INTO "Tombstone" ("ideaId", "reason") VALUES (?, ?)').run('idea-wal', 'only-in-wal')
    // Copy the file and its WAL while the connection is still open: what a crash leaves behind.
    const crashed = join(t.dir, 'crashed.db')
    copyFileSync(live, crashed)
    copyFileSync(`${live}-wal`, `${crashed}-wal`)
    raw.close()
    expect(readFileSync(`${crashed}-wal`).includes('only-in-wal')).toBe(true)

    expect((await reasons(crashed, KEY)).sort()).toEqual(['checkpointed', 'only-in-wal'])
    expect(fileState(crashed)).toBe('encrypted')
    for (const f of readdirSync(t.dir).filter((n) => n.startsWith('crashed'))) {
      expect(readFileSync(join(t.dir, f)).includes('only-in-wal'), f).toBe(false)
    }
  })

  it('without ENCRYPTION_KEY stays plaintext, as always', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'plain.db')
    await writeRow(path, undefined)
    expect(await reasons(path, undefined)).toEqual([SECRET_TEXT])
    expect(header(path).equals(SQLITE_HEADER)).toBe(true)
  })

  it('is not encrypted while another connection has it open', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'busy.db')
    const running = await openDatabase(path)
    try {
      expect(await envLine(() => openDatabase(path, { key: KEY }))).toBe(
        `ENCRYPTION_KEY: cannot encrypt ${path}: it is in use (is its backend running?)`,
      )
    } finally {
      await running.db.$disconnect()
    }
    expect(fileState(path)).toBe('plaintext')
  })
})

describe('key rotation (rekey)', () => {
  let cleanup = () => {}
  afterEach(() => cleanup())

  it('re-encrypts with the new key: the old key fails, the new one opens the data', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'rot.db')
    await writeRow(path, KEY)
    const NEW = 'a brand new key for the file'
    expect(rekeyFrom({ DATABASE_URL: `file:${path}`, ENCRYPTION_KEY: KEY, NEW_ENCRYPTION_KEY: NEW })).toBe(
      path,
    )
    expect(await envLine(() => openDatabase(path, { key: KEY }))).toMatch(/wrong key/)
    expect(await reasons(path, NEW)).toEqual([SECRET_TEXT])
    const { db } = await openDatabase(path, { key: NEW })
    const [mode] = await db.$queryRawUnsafe<Array<{ journal_mode: string }>>('PRAGMA journal_mode')
    expect(mode?.journal_mode).toBe('wal')
    await db.$disconnect()
  })

  it('refuses while the database is open, a wrong current key, and a plaintext file', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const path = join(t.dir, 'rot.db')
    await writeRow(path, KEY)
    const running = await openDatabase(path, { key: KEY })
    try {
      expect(await envLine(() => rotateKey(path, KEY, 'another key entirely'))).toBe(
        `ENCRYPTION_KEY: cannot rekey ${path}: it is in use (is its backend running?)`,
      )
    } finally {
      await running.db.$disconnect()
    }
    expect(await envLine(() => rotateKey(path, 'not the key', 'another key entirely'))).toMatch(/wrong key/)
    expect(await reasons(path, KEY)).toEqual([SECRET_TEXT])

    const plain = join(t.dir, 'plain.db')
    await writeRow(plain, undefined)
    expect(await envLine(() => rotateKey(plain, KEY, 'another key entirely'))).toMatch(/is not encrypted/)
    expect(await envLine(() => rotateKey(join(t.dir, 'none.db'), KEY, 'x'))).toMatch(/does not exist/)
  })

  it('checks its environment, one line per problem', () => {
    const lines = (env: Record<string, string>) => {
      try {
        rekeyFrom(env)
      } catch (err) {
        return (err as EnvError).lines
      }
      return []
    }
    expect(lines({})).toEqual([
      'DATABASE_URL: is required, e.g. file:./portfolio_user_a.db',
      'ENCRYPTION_KEY: is required (the key the database is encrypted with now)',
      'NEW_ENCRYPTION_KEY: is required (the key to re-encrypt the database with)',
    ])
    expect(lines({ DATABASE_URL: 'file:./x.db', ENCRYPTION_KEY: 'k', NEW_ENCRYPTION_KEY: 'k' })).toEqual([
      'NEW_ENCRYPTION_KEY: is the same as ENCRYPTION_KEY',
    ])
    expect(
      lines({
        DATABASE_URL: 'file:./x.db',
        ENCRYPTION_KEY: 'k',
        NEW_ENCRYPTION_KEY: 'short',
        NODE_ENV: 'Production',
      }),
    ).toEqual(['NEW_ENCRYPTION_KEY: must be at least 16 characters when NODE_ENV=production'])
    expect(
      lines({ DATABASE_URL: 'postgresql://pp@db/pp', ENCRYPTION_KEY: 'k', NEW_ENCRYPTION_KEY: 'n' }),
    ).toEqual([
      'DATABASE_URL: rekey re-encrypts a SQLite file; a postgresql:// database has no ENCRYPTION_KEY',
    ])
  })
})
