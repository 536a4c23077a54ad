import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url')

/** Audience of a backend's relay token (TokenAudience.BACKEND in @pp/contracts). */
const BACKEND_AUDIENCE = 'pp-relay-backend'
/** Longest life of a backend token (MAX_BACKEND_TOKEN_TTL_S in @pp/contracts): 30 days. */
export const TOKEN_TTL_S = 30 * 86_400

/**
 * The launcher is the token issuer of its stack: an Ed25519 key pair in its data folder, the private
 * key (0600) never handed to any service; the relay gets the public key's file, each backend a token.
 */
export class Issuer {
  readonly privateKey: KeyObject
  constructor(
    readonly privateFile: string,
    readonly publicFile: string,
  ) {
    mkdirSync(dirname(privateFile), { recursive: true })
    if (!existsSync(privateFile)) {
      const { privateKey } = generateKeyPairSync('ed25519')
      writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
    }
    chmodSync(privateFile, 0o600)
    this.privateKey = createPrivateKey(readFileSync(privateFile, 'utf8'))
    const publicPem = createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString()
    if (!existsSync(publicFile) || readFileSync(publicFile, 'utf8') !== publicPem)
      writeFileSync(publicFile, publicPem, { mode: 0o644 })
  }

  /** An EdDSA backend token (`sub`, `name`, `aud`, `iat`, `exp`), valid for 30 days from now. */
  backendToken(userId: string, name: string, ttlSeconds = TOKEN_TTL_S): string {
    const now = Math.floor(Date.now() / 1000)
    const header = b64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))
    const payload = b64url(
      JSON.stringify({ sub: userId, name, aud: BACKEND_AUDIENCE, iat: now, exp: now + ttlSeconds }),
    )
    const signature = sign(null, Buffer.from(`${header}.${payload}`), this.privateKey).toString('base64url')
    return `${header}.${payload}.${signature}`
  }

  /** Writes a backend's token to `file` (0600), which the backend reads as COLLAB_TOKEN_FILE. */
  writeBackendToken(file: string, userId: string, name: string): void {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `${this.backendToken(userId, name)}\n`, { mode: 0o600 })
    chmodSync(file, 0o600)
  }
}
