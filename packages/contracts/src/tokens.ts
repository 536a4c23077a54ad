/**
 * Relay tokens, minted and verified (Node only: `@pp/contracts/tokens`, never imported by the web app).
 *
 * The issuer (the launcher, the relay's token command) holds a private key (Ed25519 → EdDSA, P-256 →
 * ES256) or, for development, an HS256 secret; the relay holds only the public keys. Every token names
 * its audience (a backend link or a session room) and expires.
 */
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto'
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, SignJWT } from 'jose'
import {
  MAX_BACKEND_TOKEN_TTL_S,
  TOKEN_CLOCK_TOLERANCE_S,
  type TokenAlgorithm,
  TokenAudience,
} from './jwt.js'

export type AsymmetricAlgorithm = Exclude<TokenAlgorithm, 'HS256'>

/** What an issuer signs with. */
export type SigningKey =
  | { alg: 'HS256'; key: KeyObject; kid?: string | undefined }
  | { alg: AsymmetricAlgorithm; key: KeyObject; kid?: string | undefined }

/** What the relay verifies with: public keys, and an HS256 secret when one is configured. */
export type VerifyKey = { alg: TokenAlgorithm; key: KeyObject; kid?: string | undefined }

export class KeyError extends Error {
  override name = 'KeyError'
}

function algorithmOf(key: KeyObject): AsymmetricAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA'
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256'
  throw new KeyError(
    `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}: use Ed25519 (EdDSA) or P-256 (ES256)`,
  )
}

/** An HS256 signing or verifying key from a secret string. */
export function secretKey(secret: string): SigningKey & VerifyKey {
  return { alg: 'HS256', key: createSecretKey(Buffer.from(secret, 'utf8')) }
}

/** A signing key from a PKCS#8 PEM private key (Ed25519 or P-256). */
export function signingKeyFromPem(pem: string, kid?: string): SigningKey {
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    throw new KeyError('not a PEM private key')
  }
  return { alg: algorithmOf(key), key, kid }
}

/**
 * Verifying keys from the text of COLLAB_JWT_PUBLIC_KEY's file: one or more PEM public keys (several
 * during a rotation), or a JWKS document `{"keys":[…]}` whose `kid`s are matched against tokens.
 */
export function verifyKeysFromText(text: string): VerifyKey[] {
  const trimmed = text.trim()
  const keys: VerifyKey[] = []
  if (trimmed.startsWith('{')) {
    let doc: unknown
    try {
      doc = JSON.parse(trimmed)
    } catch {
      throw new KeyError('not valid JSON (a JWKS document is {"keys":[…]})')
    }
    const list = (doc as { keys?: unknown }).keys
    if (!Array.isArray(list) || list.length === 0)
      throw new KeyError('a JWKS document needs a non-empty "keys" array')
    for (const jwk of list) {
      if (typeof jwk !== 'object' || jwk === null) throw new KeyError('every JWKS entry must be an object')
      const entry = jwk as Record<string, unknown>
      if ('d' in entry) throw new KeyError('the JWKS holds a private key: give the relay public keys only')
      let key: KeyObject
      try {
        key = createPublicKey({ key: entry as never, format: 'jwk' })
      } catch {
        throw new KeyError(
          `JWKS entry ${typeof entry.kid === 'string' ? entry.kid : keys.length} is not a public key`,
        )
      }
      keys.push({ alg: algorithmOf(key), key, kid: typeof entry.kid === 'string' ? entry.kid : undefined })
    }
    return keys
  }
  const blocks = trimmed.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? []
  if (blocks.length === 0) throw new KeyError('neither a PEM public key nor a JWKS document')
  for (const block of blocks) {
    if (/PRIVATE KEY/.test(block))
      throw new KeyError('the file holds a private key: give the relay the public key only')
    let key: KeyObject
    try {
      key = createPublicKey(block)
    } catch {
      throw new KeyError('not a PEM public key')
    }
    keys.push({ alg: algorithmOf(key), key })
  }
  return keys
}

/** A new Ed25519 key pair as PEM text (PKCS#8 private, SPKI public). */
export function generateSigningKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

function signer(claims: JWTPayload, key: SigningKey, sub: string, iat: number, exp: number): Promise<string> {
  const header: { alg: string; typ: string; kid?: string } = { alg: key.alg, typ: 'JWT' }
  if (key.kid !== undefined) header.kid = key.kid
  return new SignJWT(claims)
    .setProtectedHeader(header)
    .setSubject(sub)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key.key)
}

/** A backend's relay token (`aud` backend): `sub` = user id, `name` if given, `exp` at most 30 days away. */
export function mintBackendToken(
  key: SigningKey,
  opts: { userId: string; name?: string | undefined; ttlSeconds?: number; now?: number },
): Promise<string> {
  const ttl = opts.ttlSeconds ?? MAX_BACKEND_TOKEN_TTL_S
  if (!(ttl > 0 && ttl <= MAX_BACKEND_TOKEN_TTL_S))
    throw new KeyError(`a backend token lives at most ${MAX_BACKEND_TOKEN_TTL_S / 86_400} days`)
  const iat = Math.floor((opts.now ?? Date.now()) / 1000)
  const claims: JWTPayload = { aud: TokenAudience.BACKEND }
  if (opts.name !== undefined) claims.name = opts.name
  return signer(claims, key, opts.userId, iat, iat + ttl)
}

/** A session-room token (`aud` session) for user `userId`, optionally limited to `sessions`. */
export function mintSessionToken(
  key: SigningKey,
  opts: { userId: string; sessions?: readonly string[]; ttlSeconds?: number; now?: number },
): Promise<string> {
  const iat = Math.floor((opts.now ?? Date.now()) / 1000)
  const claims: JWTPayload = { aud: TokenAudience.SESSION }
  if (opts.sessions !== undefined) claims.sessions = [...opts.sessions]
  return signer(claims, key, opts.userId, iat, iat + (opts.ttlSeconds ?? 86_400))
}

export type VerifyResult = { ok: true; payload: JWTPayload } | { ok: false; reason: string }

/**
 * Verifies a token against `keys` for `audience`: the header's algorithm must be one a key is
 * configured for (never `none`), a `kid` picks its key, `exp` is required (30 s leeway).
 */
export async function verifyToken(
  token: string,
  keys: readonly VerifyKey[],
  audience: TokenAudience,
): Promise<VerifyResult> {
  if (token.length > 8192) return { ok: false, reason: 'invalid token' }
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(token)
  } catch {
    return { ok: false, reason: 'invalid token' }
  }
  const candidates = keys.filter(
    (k) => k.alg === header.alg && (header.kid === undefined || k.kid === undefined || k.kid === header.kid),
  )
  if (candidates.length === 0) return { ok: false, reason: 'token algorithm not allowed' }
  let last: VerifyResult = { ok: false, reason: 'invalid token' }
  for (const candidate of candidates) {
    try {
      const { payload } = await jwtVerify(token, candidate.key, {
        algorithms: [candidate.alg],
        clockTolerance: TOKEN_CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub', 'aud'],
        audience,
      })
      return { ok: true, payload }
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, reason: 'token expired' }
      if (err instanceof errors.JWTClaimValidationFailed) {
        // The signature held: the claims are what is wrong, no other key will change that.
        if (err.claim === 'aud') return { ok: false, reason: `token audience is not ${audience}` }
        return {
          ok: false,
          reason: `token claim ${err.claim}: ${err.reason === 'missing' ? 'is required' : 'is invalid'}`,
        }
      }
      last = { ok: false, reason: 'invalid token' }
    }
  }
  return last
}
