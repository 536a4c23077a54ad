import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs'
import { EnvError } from '@pp/contracts'
import Database from 'better-sqlite3'

/**
 * SQLCipher-compatible encryption of the backend's SQLite file (ENCRYPTION_KEY). `better-sqlite3` is
 * the SQLite3MultipleCiphers build (pnpm override in pnpm-workspace.yaml); its `sqlcipher` scheme with
 * `legacy = 4` writes the SQLCipher 4 format, so `sqlcipher` with `PRAGMA key = '…'` opens the file too.
 */

/** The first 16 bytes of every plaintext SQLite database file. */
export const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1')

/** A SQL string literal: any key string, quotes included, is passed through as it is. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

/** The cipher scheme; run before `key`/`rekey` on a connection. */
const CIPHER = "PRAGMA cipher = 'sqlcipher'; PRAGMA legacy = 4;"

/** Keys a connection: the first statements on every connection to an encrypted file. */
export function keyStatements(key: string): string {
  return `${CIPHER} PRAGMA key = ${literal(key)};`
}

export type FileState = 'new' | 'plaintext' | 'encrypted'

/** `new` (absent or empty), `plaintext` (SQLite header) or `encrypted` (anything else, garbage too). */
export function fileState(path: string): FileState {
  if (!existsSync(path) || statSync(path).size === 0) return 'new'
  const head = Buffer.alloc(SQLITE_HEADER.length)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, head, 0, head.length, 0)
  } finally {
    closeSync(fd)
  }
  return head.equals(SQLITE_HEADER) ? 'plaintext' : 'encrypted'
}

function isNotADatabase(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_NOTADB'
}

function isBusy(err: unknown): boolean {
  return String((err as { code?: string }).code ?? '').startsWith('SQLITE_BUSY')
}

const wrongKey = (path: string) =>
  new EnvError([`ENCRYPTION_KEY: cannot open ${path}: wrong key or not an encrypted database`])

/** Reads the schema: the first read that decrypts a page, so a wrong key fails here. */
function probe(db: Database.Database): void {
  db.prepare('SELECT count(*) FROM sqlite_master').get()
}

/**
 * Leaves WAL for a rollback journal (rekey cannot rewrite a WAL database: SQLite3MultipleCiphers answers
 * `ok` and changes nothing). The switch needs the only connection to the file, so it also tells that no
 * other process (a running backend) has it open.
 */
function toRollbackJournal(db: Database.Database, path: string, why: string): void {
  let mode: unknown
  try {
    db.pragma('wal_checkpoint(TRUNCATE)')
    mode = db.pragma('journal_mode = DELETE', { simple: true })
  } catch (err) {
    if (!isBusy(err)) throw err
  }
  if (mode !== 'delete') {
    throw new EnvError([`ENCRYPTION_KEY: cannot ${why} ${path}: it is in use (is its backend running?)`])
  }
}

export type OpenedRaw = { raw: Database.Database; encryptedNow: boolean }

/**
 * Opens the file for the backend, checked before any other statement runs on it:
 * - without a key: as always; an encrypted file fails with one line saying ENCRYPTION_KEY is needed;
 * - with a key: a new file is created encrypted, a plaintext one is encrypted in place first
 *   (`encryptedNow`), an encrypted one must open with this key (else one line: wrong key).
 * Throws EnvError for those lines; the caller's connection is keyed and ready.
 */
export function openRaw(path: string, key: string | undefined, busyTimeoutMs: number): OpenedRaw {
  if (key === undefined) {
    const raw = new Database(path, { timeout: busyTimeoutMs })
    try {
      probe(raw)
    } catch (err) {
      raw.close()
      if (isNotADatabase(err)) {
        throw new EnvError([
          `ENCRYPTION_KEY: is needed to open ${path} (it is encrypted, or not a SQLite database)`,
        ])
      }
      throw err
    }
    return { raw, encryptedNow: false }
  }
  const encryptedNow = fileState(path) === 'plaintext'
  if (encryptedNow) encryptInPlace(path, key, busyTimeoutMs)
  return { raw: openKeyed(path, key, busyTimeoutMs), encryptedNow }
}

/** Opens an encrypted (or new) file with `key`; one clear line when the key does not open it. */
export function openKeyed(
  path: string,
  key: string,
  busyTimeoutMs: number,
  fileMustExist = false,
): Database.Database {
  const raw = new Database(path, { timeout: busyTimeoutMs, fileMustExist })
  try {
    raw.exec(keyStatements(key))
    probe(raw)
  } catch (err) {
    raw.close()
    if (isNotADatabase(err)) throw wrongKey(path)
    throw err
  }
  return raw
}

/** Encrypts a plaintext database file in place with `key`, all rows kept; WAL again afterwards. */
export function encryptInPlace(path: string, key: string, busyTimeoutMs: number): void {
  const raw = new Database(path, { timeout: busyTimeoutMs, fileMustExist: true })
  try {
    probe(raw)
    toRollbackJournal(raw, path, 'encrypt')
    raw.exec(`${CIPHER} PRAGMA rekey = ${literal(key)};`)
    raw.pragma('journal_mode = WAL')
  } finally {
    raw.close()
  }
  if (fileState(path) !== 'encrypted') throw new Error(`encrypting ${path} in place left it in plaintext`)
}

/**
 * Key rotation: re-encrypts an encrypted file from `currentKey` to `newKey`. Refuses (one line) a
 * plaintext or missing file, a wrong current key, and a file another process has open.
 */
export function rotateKey(path: string, currentKey: string, newKey: string): void {
  const state = fileState(path)
  if (state === 'new') throw new EnvError([`DATABASE_URL: ${path} does not exist`])
  if (state === 'plaintext') {
    throw new EnvError([
      `ENCRYPTION_KEY: ${path} is not encrypted; start the backend once with ENCRYPTION_KEY set to encrypt it`,
    ])
  }
  const raw = openKeyed(path, currentKey, 0, true)
  try {
    toRollbackJournal(raw, path, 'rekey')
    // Keep every other connection out until the new key is written.
    raw.pragma('locking_mode = EXCLUSIVE')
    probe(raw)
    raw.exec(`PRAGMA rekey = ${literal(newKey)};`)
    raw.pragma('journal_mode = WAL')
  } finally {
    raw.close()
  }
  // The new key opens it and the old one no longer does.
  openKeyed(path, newKey, 0, true).close()
  let oldStillOpens = true
  try {
    openKeyed(path, currentKey, 0, true).close()
  } catch {
    oldStillOpens = false
  }
  if (oldStillOpens) throw new Error(`rekey of ${path} did not take effect: the old key still opens it`)
}
