import { describe, expect, it } from 'vitest'
import type { DomainEvent } from './domain-events.js'
import {
  exportKeys,
  fingerprint,
  generateKeys,
  importKeys,
  Sealer,
  signComment,
  verifyComment,
} from './sealing.js'

const A = '00000000-0000-0000-0000-00000000000a'
const B = '00000000-0000-0000-0000-00000000000b'
const C = '00000000-0000-0000-0000-00000000000c'
const ID = '0193a6b2-7c1e-7a00-8000-000000000001'
const ID2 = '0193a6b2-7c1e-7a00-8000-000000000002'

const ka = generateKeys()
const kb = generateKeys()
const kc = generateKeys()
const alice = new Sealer(A, ka)
const bob = new Sealer(B, kb)
const carl = new Sealer(C, kc)
const peerA = { id: A, keys: ka.public }
const peerB = { id: B, keys: kb.public }
const peerC = { id: C, keys: kc.public }

const event: DomainEvent = { type: 'share_revoked', ideaId: '0193a6b2-7c1e-7a00-8000-0000000000aa' }

function flip(sealed: string, at: number): string {
  const raw = Buffer.from(sealed, 'base64url')
  raw[at] = (raw[at] ?? 0) ^ 0x01
  return raw.toString('base64url')
}

describe('sealed events', () => {
  it('opens for its recipient, and nothing of the body is readable', () => {
    const wire = alice.seal(peerB, ID, event)
    expect(wire.type).toBe('share_revoked')
    expect(wire.sealed).not.toContain('0193a6b2')
    expect(Buffer.from(wire.sealed, 'base64url').toString('latin1')).not.toContain('ideaId')
    expect(bob.open(peerA, ID, wire)).toEqual({ ok: true, event })
  })

  it('does not open re-addressed, replayed under another id, relabelled or with a byte changed', () => {
    const wire = alice.seal(peerB, ID, event)
    expect(carl.open(peerA, ID, wire)).toMatchObject({ ok: false, reason: 'cannot_open' })
    expect(bob.open(peerA, ID2, wire)).toMatchObject({ ok: false, reason: 'cannot_open' })
    expect(bob.open(peerA, ID, { ...wire, type: 'position_deleted' })).toMatchObject({
      ok: false,
      reason: 'cannot_open',
    })
    for (const at of [0, 13, 40, 80, Buffer.from(wire.sealed, 'base64url').length - 1]) {
      expect(bob.open(peerA, ID, { ...wire, sealed: flip(wire.sealed, at) })).toMatchObject({ ok: false })
    }
    // Claimed to come from someone else (a relay rewriting `from`).
    expect(bob.open(peerC, ID, wire)).toMatchObject({ ok: false, reason: 'cannot_open' })
  })

  it('refuses a body sealed with the right key but signed by another key', () => {
    // A key pair that shares Alice's agreement key but not her signing key: the seal opens, the
    // signature does not hold.
    const forger = new Sealer(A, { ...ka, sign: kc.sign, public: { ...ka.public, sign: kc.public.sign } })
    const wire = forger.seal(peerB, ID, event)
    expect(bob.open(peerA, ID, wire)).toMatchObject({ ok: false, reason: 'bad_signature' })
  })

  it('refuses a well-sealed body that is not a valid event', () => {
    const wire = alice.sealJson(peerB, ID, 'share_revoked', '{"type":"share_revoked","ideaId":"nope"}')
    expect(bob.open(peerA, ID, wire)).toMatchObject({ ok: false, reason: 'invalid_event' })
    const other = alice.sealJson(
      peerB,
      ID,
      'share_revoked',
      JSON.stringify({ type: 'position_deleted', ideaId: ID }),
    )
    expect(bob.open(peerA, ID, other)).toMatchObject({ ok: false, reason: 'invalid_event' })
  })

  it('seals each direction under its own key', () => {
    const ab = alice.seal(peerB, ID, event)
    const ba = bob.seal(peerA, ID, event)
    expect(alice.open(peerB, ID, ba)).toMatchObject({ ok: true })
    // Alice's event to Bob, reflected back to Alice as if Bob had sent it.
    expect(alice.open(peerB, ID, ab)).toMatchObject({ ok: false, reason: 'cannot_open' })
    expect(peerC.id).toBe(C)
  })
})

describe('signed comments', () => {
  const c = {
    id: ID,
    ideaId: ID2,
    author: { id: B, displayName: 'User B' },
    body: 'Looks good',
    createdAt: '2026-12-07T10:00:00.000Z',
  }

  it('holds for its author over any spelling of the same time, and for nothing changed', () => {
    const signature = signComment(kb, c)
    expect(verifyComment(kb.public.sign, { ...c, signature })).toBe(true)
    expect(verifyComment(kb.public.sign, { ...c, createdAt: '2026-12-07T11:00:00+01:00', signature })).toBe(
      true,
    )
    expect(verifyComment(kb.public.sign, { ...c, body: 'Looks bad', signature })).toBe(false)
    expect(verifyComment(kb.public.sign, { ...c, author: { id: A }, signature })).toBe(false)
    expect(verifyComment(kb.public.sign, { ...c, ideaId: ID, signature })).toBe(false)
    expect(verifyComment(ka.public.sign, { ...c, signature })).toBe(false)
    expect(verifyComment(kb.public.sign, { ...c, signature: 'A'.repeat(86) })).toBe(false)
  })
})

describe('keys', () => {
  it('round-trip through the key file and fingerprint the same', () => {
    const again = importKeys(exportKeys(ka))
    expect(again.public).toEqual(ka.public)
    expect(fingerprint(again.public)).toBe(fingerprint(ka.public))
    expect(fingerprint(ka.public)).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){4}$/)
    expect(fingerprint(kb.public)).not.toBe(fingerprint(ka.public))
    const sealed = new Sealer(A, again).seal(peerB, ID, event)
    expect(bob.open(peerA, ID, sealed)).toMatchObject({ ok: true })
  })

  it('refuses a key file that is not one', () => {
    expect(() => importKeys('nope')).toThrow(/not JSON/)
    expect(() => importKeys('{"version":1}')).toThrow(/Ed25519/)
  })
})
