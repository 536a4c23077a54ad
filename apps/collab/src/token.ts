#!/usr/bin/env node
/**
 * Mints relay tokens; the signing key stays with whoever runs it.
 *
 *   token --generate-key relay-key.pem          a new Ed25519 key pair: relay-key.pem (0600) + relay-key.pem.pub
 *   token --key relay-key.pem --user <uuid> [--name "User A"] [--ttl 30d]   a backend's COLLAB_TOKEN
 *   token --key relay-key.pem --session-user <id> [--sessions a,b] [--ttl 24h]   a session-room token
 *
 * The key is `--key` or COLLAB_JWT_PRIVATE_KEY (a PEM file: Ed25519 → EdDSA, P-256 → ES256); without one,
 * COLLAB_JWT_SECRET signs HS256, and outside production the public development secret does.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  CollabTokenClaims,
  DEV_JWT_SECRET,
  isProduction,
  KNOWN_PUBLIC_SECRETS,
  MAX_BACKEND_TOKEN_TTL_S,
  MIN_PRODUCTION_SECRET_BYTES,
} from '@pp/contracts'
import {
  generateSigningKeyPair,
  KeyError,
  mintBackendToken,
  mintSessionToken,
  type SigningKey,
  secretKey,
  signingKeyFromPem,
} from '@pp/contracts/tokens'
import { parseTtl } from './mint-token.js'

const USAGE = [
  'usage: token [--key private.pem] --user <uuid> [--name "User A"] [--ttl 30d]   a backend token (ttl at most 30d; --name is the relay\'s label for the user, left out the relay knows it by id)',
  '       token [--key private.pem] --session-user <id> [--sessions a,b] [--ttl 24h]   a session-room token',
  '       token --generate-key <file>   writes a new Ed25519 private key (0600) and <file>.pub for COLLAB_JWT_PUBLIC_KEY',
].join('\n')

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(1)
}

if (existsSync('.env')) process.loadEnvFile('.env')

type Flags = {
  user?: string | undefined
  name?: string | undefined
  ttl?: string | undefined
  key?: string | undefined
  'session-user'?: string | undefined
  sessions?: string | undefined
  'generate-key'?: string | undefined
  help?: boolean | undefined
}
let values: Flags
try {
  // `pnpm token -- --user …` passes a lone `--` through.
  const args = process.argv.slice(2).filter((a) => a !== '--')
  values = parseArgs({
    args,
    options: {
      user: { type: 'string', short: 'u' },
      name: { type: 'string', short: 'n' },
      ttl: { type: 'string', short: 't' },
      key: { type: 'string', short: 'k' },
      'session-user': { type: 'string' },
      sessions: { type: 'string' },
      'generate-key': { type: 'string' },
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

const keyFile = values['generate-key']
if (keyFile !== undefined) {
  if (existsSync(keyFile))
    fail(`--generate-key: ${keyFile} exists; choose a new file (keep the old key until its tokens expire)`)
  const pair = generateSigningKeyPair()
  writeFileSync(keyFile, pair.privatePem, { mode: 0o600 })
  writeFileSync(`${keyFile}.pub`, pair.publicPem, { mode: 0o644 })
  process.stdout.write(
    `private key: ${keyFile} (keep it with the issuer)\npublic key:  ${keyFile}.pub (COLLAB_JWT_PUBLIC_KEY of the relay)\n`,
  )
  process.exit(0)
}

function signingKey(): SigningKey {
  const file = values.key ?? process.env.COLLAB_JWT_PRIVATE_KEY
  if (file !== undefined && file !== '') {
    const flag = values.key !== undefined ? '--key' : 'COLLAB_JWT_PRIVATE_KEY'
    if (!existsSync(file)) fail(`${flag}: no such file: ${file}`)
    try {
      return signingKeyFromPem(readFileSync(file, 'utf8'))
    } catch (err) {
      fail(`${flag}: ${err instanceof KeyError ? err.message : String(err)}`)
    }
  }
  const production = isProduction(process.env.NODE_ENV)
  const secret = process.env.COLLAB_JWT_SECRET
  if (secret === undefined || secret === '') {
    if (production) fail('--key: a private key is required when NODE_ENV=production')
    process.stderr.write('no --key and no COLLAB_JWT_SECRET: signing with the development secret\n')
    return secretKey(DEV_JWT_SECRET)
  }
  if (secret.length < 16) fail('COLLAB_JWT_SECRET: must be at least 16 characters')
  if (
    production &&
    (KNOWN_PUBLIC_SECRETS.includes(secret) || Buffer.byteLength(secret) < MIN_PRODUCTION_SECRET_BYTES)
  )
    fail(`COLLAB_JWT_SECRET: a published example or shorter than ${MIN_PRODUCTION_SECRET_BYTES} bytes`)
  return secretKey(secret)
}

const sessionUser = values['session-user']
if (sessionUser !== undefined) {
  const ttlSeconds = parseTtl(values.ttl ?? '24h')
  if (ttlSeconds === undefined) fail(`--ttl: not a duration: ${values.ttl}`)
  if (sessionUser.length === 0 || sessionUser.length > 128) fail('--session-user: use 1-128 characters')
  const sessions = values.sessions
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  const token = await mintSessionToken(signingKey(), {
    userId: sessionUser,
    ttlSeconds,
    ...(sessions === undefined ? {} : { sessions }),
  })
  process.stdout.write(`${token}\n`)
  process.exit(0)
}

const ttlSeconds = parseTtl(values.ttl ?? '30d')
if (ttlSeconds === undefined) fail(`--ttl: not a duration: ${values.ttl}`)
if (ttlSeconds > MAX_BACKEND_TOKEN_TTL_S)
  fail('--ttl: a backend token lives at most 30d; mint a new one to rotate')
const claims = CollabTokenClaims.pick({ sub: true, name: true }).safeParse({
  sub: values.user,
  name: values.name,
})
if (!claims.success) {
  for (const issue of claims.error.issues) {
    const flag = issue.path[0] === 'sub' ? '--user' : '--name'
    const missing = (flag === '--user' ? values.user : values.name) === undefined
    process.stderr.write(`${flag}: ${missing ? 'is required' : issue.message}\n`)
  }
  fail('cannot mint a token')
}

const token = await mintBackendToken(signingKey(), {
  userId: claims.data.sub,
  name: claims.data.name,
  ttlSeconds,
})
process.stdout.write(`${token}\n`)
