/**
 * Rotates the database key: `pnpm --filter @pp/backend rekey` (node dist/rekey.js) with DATABASE_URL,
 * ENCRYPTION_KEY (the current key) and NEW_ENCRYPTION_KEY from the environment (a .env file works too).
 * Refuses while a backend has the file open. Afterwards the file opens with the new key only: set
 * ENCRYPTION_KEY to it before the next start.
 */
import { EnvError, loadDotEnv } from '@pp/contracts'
import { rekeyFrom } from './db/rotate.js'

loadDotEnv()
try {
  const path = rekeyFrom(process.env)
  process.stdout.write(
    `${path}: re-encrypted; it opens with NEW_ENCRYPTION_KEY only: set ENCRYPTION_KEY to it\n`,
  )
} catch (err) {
  const lines = err instanceof EnvError ? err.lines : [`rekey failed: ${(err as Error).message}`]
  for (const line of lines) process.stderr.write(`${line}\n`)
  process.exitCode = 1
}
