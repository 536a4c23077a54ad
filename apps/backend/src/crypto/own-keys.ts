import { exportKeys, generateKeys, importKeys, type OwnKeys } from '@pp/contracts/sealing'
import { type Config, dataFilePath } from '../config.js'
import { createPrivateFileOnce, readPrivateFile } from '../private-file.js'

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
  const existing = readPrivateFile(path)
  if (existing !== undefined) return { keys: importKeys(existing), path, created: false }
  const made = generateKeys()
  const file = createPrivateFileOnce(path, exportKeys(made))
  return { keys: file.created ? made : importKeys(file.text), path, created: file.created }
}
