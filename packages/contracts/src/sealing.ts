import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto'
import {
  DomainEvent,
  type DomainEventType,
  type PublicKeys,
  type SealedEvent,
  type SignedComment,
} from './domain-events.js'
import { jsonBoundsProblem, parseWith } from './parse.js'

/**
 * Sealed events (Node only: `@pp/contracts/sealing`).
 *
 * Every backend holds an Ed25519 key to sign and an X25519 key to agree keys. An event for one
 * recipient is signed by its author over (sender, recipient, event id, type, body), then encrypted with
 * AES-256-GCM under a key only the two of them can derive: X25519(sender, recipient) → HKDF-SHA256 with
 * both ids, one key per direction. Sender, recipient, id and type are the associated data, so the same
 * sealed body re-addressed to someone else, replayed under another id or relabelled fails to open.
 * A comment is also signed on its own by its author, so the idea's owner can forward it unchanged and
 * every recipient checks the author's own signature.
 */

const SEAL_INFO = 'PP-SEAL-1'
const EVENT_CONTEXT = 'PP-EVENT-1'
const COMMENT_CONTEXT = 'PP-COMMENT-1'
const NONCE_BYTES = 12
const TAG_BYTES = 16
const SIG_BYTES = 64

export type KeyPair = { privateKey: KeyObject; publicKey: string }
/** A backend's own keys; the private halves never leave its data dir. */
export type OwnKeys = { sign: KeyPair; box: KeyPair; public: PublicKeys }

type Jwk = { kty: string; crv: string; x: string; d?: string }

function pair(type: 'ed25519' | 'x25519'): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync(type as 'ed25519')
  return { privateKey, publicKey: (publicKey.export({ format: 'jwk' }) as Jwk).x }
}

export function generateKeys(): OwnKeys {
  const s = pair('ed25519')
  const b = pair('x25519')
  return { sign: s, box: b, public: { sign: s.publicKey, box: b.publicKey } }
}

/** The key file's text (private keys as JWK); written 0600 by its owner. */
export function exportKeys(keys: OwnKeys): string {
  const jwk = (k: KeyObject) => k.export({ format: 'jwk' })
  return `${JSON.stringify({ version: 1, sign: jwk(keys.sign.privateKey), box: jwk(keys.box.privateKey) }, null, 2)}\n`
}

export class KeyFileError extends Error {
  override name = 'KeyFileError'
}

export function importKeys(text: string): OwnKeys {
  let data: { version?: unknown; sign?: Jwk; box?: Jwk }
  try {
    data = JSON.parse(text) as typeof data
  } catch {
    throw new KeyFileError('the key file is not JSON')
  }
  if (data.version !== 1 || data.sign?.crv !== 'Ed25519' || data.box?.crv !== 'X25519') {
    throw new KeyFileError('the key file does not hold an Ed25519 and an X25519 key (version 1)')
  }
  try {
    const sk = createPrivateKey({ key: data.sign, format: 'jwk' })
    const bk = createPrivateKey({ key: data.box, format: 'jwk' })
    const spub = (createPublicKey(sk).export({ format: 'jwk' }) as Jwk).x
    const bpub = (createPublicKey(bk).export({ format: 'jwk' }) as Jwk).x
    return {
      sign: { privateKey: sk, publicKey: spub },
      box: { privateKey: bk, publicKey: bpub },
      public: { sign: spub, box: bpub },
    }
  } catch {
    throw new KeyFileError('the key file holds keys that do not load')
  }
}

/**
 * A short fingerprint of a backend's public keys to compare out of band ("safety number"): 20 hex
 * digits of SHA-256 over both keys, in groups of four.
 */
export function fingerprint(keys: PublicKeys): string {
  const hex = createHash('sha256').update(`${keys.sign}.${keys.box}`).digest('hex').slice(0, 20).toUpperCase()
  return hex.match(/.{4}/g)?.join(' ') ?? hex
}

export function sameKeys(a: PublicKeys, b: PublicKeys): boolean {
  return a.sign === b.sign && a.box === b.box
}

const publicKeyCache = new Map<string, KeyObject>()

function publicKeyOf(x: string, crv: 'Ed25519' | 'X25519'): KeyObject {
  const k = `${crv}:${x}`
  let key = publicKeyCache.get(k)
  if (key === undefined) {
    key = createPublicKey({ key: { kty: 'OKP', crv, x }, format: 'jwk' })
    if (publicKeyCache.size > 10_000) publicKeyCache.clear()
    publicKeyCache.set(k, key)
  }
  return key
}

// ---- comments -------------------------------------------------------------------------------

type CommentFields = Pick<SignedComment, 'id' | 'ideaId' | 'body' | 'createdAt'> & { author: { id: string } }

function commentBytes(c: CommentFields): Buffer {
  // The time as milliseconds, so that any ISO spelling of the same instant signs the same.
  const at = Date.parse(c.createdAt)
  return Buffer.from(`${COMMENT_CONTEXT}\n${c.id}\n${c.ideaId}\n${c.author.id}\n${at}\n${c.body}`, 'utf8')
}

export function signComment(keys: OwnKeys, c: CommentFields): string {
  return sign(null, commentBytes(c), keys.sign.privateKey).toString('base64url')
}

export function verifyComment(signKey: string, c: CommentFields & { signature: string }): boolean {
  try {
    const sig = Buffer.from(c.signature, 'base64url')
    return sig.length === SIG_BYTES && verify(null, commentBytes(c), publicKeyOf(signKey, 'Ed25519'), sig)
  } catch {
    return false
  }
}

// ---- events -------------------------------------------------------------------------------------

export type Peer = { id: string; keys: PublicKeys }

export type OpenRefusal = 'cannot_open' | 'bad_signature' | 'invalid_event'
export type Opened = { ok: true; event: DomainEvent } | { ok: false; reason: OpenRefusal; message: string }

function header(from: string, to: string, id: string, type: string): Buffer {
  return Buffer.from(`${from}\n${to}\n${id}\n${type}\n`, 'utf8')
}

/**
 * Seals and opens events between this backend and its peers. The key of each direction with a peer
 * is derived once and kept (a changed peer key derives a new one).
 */
export class Sealer {
  private readonly keys = new Map<string, Buffer>()

  constructor(
    private readonly meId: string,
    private readonly own: OwnKeys,
  ) {}

  get publicKeys(): PublicKeys {
    return this.own.public
  }

  private directionKey(from: string, to: string, peerBox: string): Buffer {
    const k = `${from}>${to}:${peerBox}`
    let key = this.keys.get(k)
    if (key === undefined) {
      const shared = diffieHellman({
        privateKey: this.own.box.privateKey,
        publicKey: publicKeyOf(peerBox, 'X25519'),
      })
      key = Buffer.from(hkdfSync('sha256', shared, SEAL_INFO, `${from}\n${to}`, 32))
      if (this.keys.size > 10_000) this.keys.clear()
      this.keys.set(k, key)
    }
    return key
  }

  /**
   * Whether a peer's public keys can be used at all: a point that does not load, or an agreement key
   * that gives no shared secret (a low-order point), is refused before it is pinned.
   */
  usable(keys: PublicKeys): boolean {
    try {
      publicKeyOf(keys.sign, 'Ed25519')
      diffieHellman({ privateKey: this.own.box.privateKey, publicKey: publicKeyOf(keys.box, 'X25519') })
      return true
    } catch {
      return false
    }
  }

  /** The event, signed by this backend and sealed for `to` under `eventId`. */
  seal(to: Peer, eventId: string, event: DomainEvent): SealedEvent {
    return this.sealJson(to, eventId, event.type, JSON.stringify(event))
  }

  sealJson(to: Peer, eventId: string, type: DomainEventType, json: string): SealedEvent {
    const head = header(this.meId, to.id, eventId, type)
    const body = Buffer.from(json, 'utf8')
    const sig = sign(
      null,
      Buffer.concat([Buffer.from(`${EVENT_CONTEXT}\n`), head, body]),
      this.own.sign.privateKey,
    )
    const nonce = randomBytes(NONCE_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.directionKey(this.meId, to.id, to.keys.box), nonce)
    cipher.setAAD(Buffer.concat([Buffer.from(`${SEAL_INFO}\n`), head]))
    const ct = Buffer.concat([cipher.update(sig), cipher.update(body), cipher.final()])
    const sealed = Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64url')
    return { type, sealed }
  }

  /**
   * Opens an event `from` sealed for this backend under `eventId`: decrypts (fails for any other
   * sender, recipient, id or type, or a changed byte), checks the sender's signature, then the shape.
   */
  open(from: Peer, eventId: string, wire: SealedEvent): Opened {
    const raw = Buffer.from(wire.sealed, 'base64url')
    if (raw.length < NONCE_BYTES + SIG_BYTES + TAG_BYTES) {
      return { ok: false, reason: 'cannot_open', message: 'sealed body too short' }
    }
    const head = header(from.id, this.meId, eventId, wire.type)
    let plain: Buffer
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.directionKey(from.id, this.meId, from.keys.box),
        raw.subarray(0, NONCE_BYTES),
      )
      decipher.setAAD(Buffer.concat([Buffer.from(`${SEAL_INFO}\n`), head]))
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES))
      plain = Buffer.concat([
        decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ])
    } catch {
      return {
        ok: false,
        reason: 'cannot_open',
        message: 'does not open with the keys of its sender, recipient, id and type',
      }
    }
    const sig = plain.subarray(0, SIG_BYTES)
    const body = plain.subarray(SIG_BYTES)
    let signed = false
    try {
      signed = verify(
        null,
        Buffer.concat([Buffer.from(`${EVENT_CONTEXT}\n`), head, body]),
        publicKeyOf(from.keys.sign, 'Ed25519'),
        sig,
      )
    } catch {
      signed = false
    }
    if (!signed)
      return { ok: false, reason: 'bad_signature', message: 'the sender’s signature does not hold' }
    let data: unknown
    try {
      data = JSON.parse(body.toString('utf8'))
    } catch {
      return { ok: false, reason: 'invalid_event', message: 'the sealed body is not JSON' }
    }
    const problem = jsonBoundsProblem(data)
    if (problem !== undefined)
      return { ok: false, reason: 'invalid_event', message: `the event is ${problem}` }
    const parsed = parseWith(DomainEvent, data)
    if (!parsed.ok) return { ok: false, reason: 'invalid_event', message: parsed.message }
    if (parsed.value.type !== wire.type) {
      return { ok: false, reason: 'invalid_event', message: 'the sealed type differs from the envelope’s' }
    }
    return { ok: true, event: parsed.value }
  }
}
