import { randomBytes } from 'node:crypto'
import { chmodSync, linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'

/**
 * A file only its owner may read (a token, private keys): its text, or undefined when there is none.
 * A file someone loosened is made 0600 again.
 */
export function readPrivateFile(path: string): string | undefined {
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

/**
 * Creates a 0600 file with `text` unless it exists. Written whole under a temporary name, then linked
 * into place: a second process starting at the same moment either wins or finds the complete file,
 * never a half-written one. Answers what the file holds and whether this call created it.
 */
export function createPrivateFileOnce(path: string, text: string): { text: string; created: boolean } {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeFileSync(tmp, text, { mode: 0o600 })
  try {
    linkSync(tmp, path)
    return { text, created: true }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return { text: readPrivateFile(path) ?? '', created: false }
  } finally {
    unlinkSync(tmp)
  }
}
