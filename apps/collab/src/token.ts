#!/usr/bin/env node
/**
 * Prints a relay token for a backend's COLLAB_TOKEN:
 *   node dist/token.js --user <uuid> --name "User A" [--ttl 30d]
 * Signed with COLLAB_JWT_SECRET (the development secret when it is unset, except with NODE_ENV=production).
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { CollabTokenClaims, DEV_JWT_SECRET } from '@pp/contracts'
import { mintToken, parseTtl } from './mint-token.js'

const USAGE =
  'usage: token --user <uuid> --name "User A" [--ttl 30d]   (ttl: 90s, 15m, 12h, 30d; default 30d)'

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(1)
}

if (existsSync('.env')) process.loadEnvFile('.env')

let values: {
  user?: string | undefined
  name?: string | undefined
  ttl?: string | undefined
  help?: boolean | undefined
}
try {
  // `pnpm token -- --user …` passes a lone `--` through.
  const args = process.argv.slice(2).filter((a) => a !== '--')
  values = parseArgs({
    args,
    options: {
      user: { type: 'string', short: 'u' },
      name: { type: 'string', short: 'n' },
      ttl: { type: 'string', short: 't' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values
} catch (err) {
  fail(err instanceof Error ? err.message : String(err))
}
if (values.help === true) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

const ttlSeconds = parseTtl(values.ttl ?? '30d')
if (ttlSeconds === undefined) fail(`--ttl: not a duration: ${values.ttl}`)
const claims = CollabTokenClaims.safeParse({ sub: values.user, name: values.name, exp: 0 })
if (!claims.success) {
  for (const issue of claims.error.issues) {
    const flag = issue.path[0] === 'sub' ? '--user' : '--name'
    const missing = (flag === '--user' ? values.user : values.name) === undefined
    process.stderr.write(`${flag}: ${missing ? 'is required' : issue.message}\n`)
  }
  fail('cannot mint a token')
}

const secret = process.env.COLLAB_JWT_SECRET
if ((secret === undefined || secret === '') && process.env.NODE_ENV === 'production') {
  fail('COLLAB_JWT_SECRET: is required when NODE_ENV=production')
}
if (secret !== undefined && secret !== '' && secret.length < 16)
  fail('COLLAB_JWT_SECRET: must be at least 16 characters')
if (secret === undefined || secret === '') {
  process.stderr.write('COLLAB_JWT_SECRET is not set: signing with the development secret\n')
}

const token = await mintToken({
  secret: secret === undefined || secret === '' ? DEV_JWT_SECRET : secret,
  userId: claims.data.sub,
  name: claims.data.name,
  ttlSeconds,
})
process.stdout.write(`${token}\n`)
