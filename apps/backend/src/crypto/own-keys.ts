import { randomBytes } from 'node:crypto'
import { chmodSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { exportKeys, generateKeys, importKeys, type OwnKeys } from '@pp/contracts/sealing'
import { type Config, dataFilePath } from '../config.js'

/**
 * Where this backend's private keys live: in DATA_DIR (by default beside the SQLite file), named after
 * the database (`data/portfolio_user_a.db` → `data/portfolio_user_a.keys`), 0600.
 */
export function keyFilePath(config: Pick<Config, 'database' | 'dataDir'>): string {
  return dataFilePath(config, 'keys')
}

export type LoadedKeys = { keys: OwnKeys; path: string; created: boolean }

/**
 * The backend's Ed25519 and X25519 keys: read from the key file, or created there at first start.
 * Created under a temporary name and linked into place, so two processes starting together agree.
 */
export function loadOwnKeys(path: string): LoadedKeys {
  const existing = readKeyFile(path)
  if (existing !== undefined) return { keys: importKeys(existing), path, created: false }
  const keys = generateKeys()
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, exportKeys(keys), { mode: 0o600 })
  try {
    linkSync(tmp, path)
    return { keys, path, created: true }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return { keys: importKeys(readKeyFile(path) ?? ''), path, created: false }
  } finally {
    unlinkSync(tmp)
  }
}

function readKeyFile(path: string): string | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
  return text
}
