import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { DomainEvent } from '@pp/contracts'
import { generateKeys, Sealer, signComment, verifyComment } from '@pp/contracts/sealing'

export type SealingCost = {
  /** Microseconds per typical comment event (median of 5 runs). */
  signComment: number
  verifyComment: number
  /** Sign the event and seal it for one recipient. */
  seal: number
  /** Open it and check the sender's signature and the event's shape. */
  open: number
  bytesClear: number
  bytesSealed: number
}

/**
 * What sealed events add per event, in-process and on one core: the author's comment signature, the
 * sender's sign-and-seal, the recipient's open-and-verify (what a backend does for every event it
 * sends or receives), for a typical `comment_added`.
 */
export function sealingCost(n = 5000): SealingCost {
  const alice = { id: randomUUID(), keys: generateKeys() }
  const bob = { id: randomUUID(), keys: generateKeys() }
  const a = new Sealer(alice.id, alice.keys)
  const b = new Sealer(bob.id, bob.keys)
  const base = {
    id: randomUUID(),
    ideaId: randomUUID(),
    author: { id: alice.id, displayName: 'User A' },
    body: 'Looks good, but watch the earnings date before you roll it.',
    createdAt: new Date().toISOString(),
  }
  const signature = signComment(alice.keys, base)
  const event: DomainEvent = {
    type: 'comment_added',
    comment: { ...base, signature, authorKey: alice.keys.public.sign },
  }
  const id = randomUUID()
  const toBob = { id: bob.id, keys: bob.keys.public }
  const fromAlice = { id: alice.id, keys: alice.keys.public }
  const sealed = a.seal(toBob, id, event)
  const comment = { ...base, signature }
  return {
    signComment: perOpUs(n, () => signComment(alice.keys, base)),
    verifyComment: perOpUs(n, () => verifyComment(alice.keys.public.sign, comment)),
    seal: perOpUs(n, () => a.seal(toBob, id, event)),
    open: perOpUs(n, () => b.open(fromAlice, id, sealed)),
    bytesClear: JSON.stringify(event).length,
    bytesSealed: JSON.stringify(sealed).length,
  }
}

function perOpUs(n: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(n, 1000); i++) fn()
  const runs: number[] = []
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    for (let i = 0; i < n; i++) fn()
    runs.push(((performance.now() - t0) * 1000) / n)
  }
  return runs.sort((x, y) => x - y)[2] ?? Number.NaN
}

export function sealingLine(c: SealingCost): string {
  const f = (v: number) => v.toFixed(1)
  return `Sealed events, cost per comment event on one core (in-process, median of 5): author signs the comment ${f(c.signComment)} µs; sender signs and seals the event ${f(c.seal)} µs; recipient opens and verifies the event ${f(c.open)} µs and the comment's signature ${f(c.verifyComment)} µs; ${c.bytesClear} B in clear → ${c.bytesSealed} B sealed`
}
