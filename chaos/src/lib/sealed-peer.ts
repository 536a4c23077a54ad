import { readFileSync } from 'node:fs'
import type { DomainEvent, PublicKeys, SealedEvent } from '@pp/contracts'
import { generateKeys, importKeys, type OwnKeys, Sealer, signComment } from '@pp/contracts/sealing'
import { uuidv7 } from 'uuidv7'
import type { Conn, Frame, User } from './ws-client.js'

/**
 * A hand-driven peer that speaks the sealed protocol over a raw connection: it exchanges `hello`s, seals
 * what it sends and opens what it receives. What a hostile friend (or a backend's own keys in the wrong
 * hands) can do, nothing more: it cannot sign or seal as anyone else.
 */
export class SealedPeer {
  readonly keys: OwnKeys
  private readonly sealer: Sealer
  private readonly peers = new Map<string, PublicKeys>()

  constructor(
    readonly conn: Conn,
    readonly user: User,
    keys: OwnKeys = generateKeys(),
  ) {
    this.keys = keys
    this.sealer = new Sealer(user.id, keys)
  }

  /** A backend's own keys, from the key file beside its database. */
  static keysOf(dbFile: string): OwnKeys {
    return importKeys(readFileSync(dbFile.replace(/\.db$/, '.keys'), 'utf8'))
  }

  /** Sends my hello to `to` and waits for its answer (pinning its keys); acks it. */
  async hello(to: string): Promise<void> {
    const from = this.conn.frames.length
    this.conn.send({
      type: 'send',
      id: uuidv7(),
      to: [to],
      event: { type: 'hello', keys: this.keys.public, reply: false },
    })
    const { frame } = await this.conn.next(
      (f) => f.type === 'event' && fromOf(f) === to && (f.event as { type?: string }).type === 'hello',
      { from, timeoutMs: 15_000 },
    )
    this.peers.set(to, (frame.event as { keys: PublicKeys }).keys)
    this.conn.send({ type: 'ack', id: frame.id, to })
  }

  /** Signs and seals `event` for `to` and sends it; returns its id. */
  send(to: string, event: DomainEvent, id: string = uuidv7()): string {
    const keys = this.peers.get(to)
    if (keys === undefined) throw new Error(`no keys for ${to}: say hello first`)
    this.conn.send({ type: 'send', id, to: [to], event: this.sealer.seal({ id: to, keys }, id, event) })
    return id
  }

  /** Opens a received event frame, or undefined when it is not one for me that opens. */
  open(f: Frame): DomainEvent | undefined {
    const from = fromOf(f)
    if (f.type !== 'event' || from === undefined) return undefined
    const keys = this.peers.get(from)
    const event = f.event as SealedEvent
    if (keys === undefined || typeof event?.sealed !== 'string') return undefined
    const opened = this.sealer.open({ id: from, keys }, String(f.id), event)
    return opened.ok ? opened.event : undefined
  }

  /** Waits for a received event that opens and matches; acks it. */
  async next(
    pred: (e: DomainEvent) => boolean,
    timeoutMs = 15_000,
  ): Promise<{ id: string; event: DomainEvent }> {
    const { frame } = await this.conn.next(
      (f) => {
        const e = this.open(f)
        return e !== undefined && pred(e)
      },
      { timeoutMs },
    )
    const event = this.open(frame) as DomainEvent
    this.conn.send({ type: 'ack', id: frame.id, to: fromOf(frame) })
    return { id: String(frame.id), event }
  }

  /** A comment signed by me (for `authorKey`, my signing key). */
  comment(c: {
    id: string
    ideaId: string
    author: { id: string; displayName: string }
    body: string
    createdAt: string
  }) {
    return { ...c, signature: signComment(this.keys, c), authorKey: this.keys.public.sign }
  }
}

function fromOf(f: Frame): string | undefined {
  const from = f.from as { id?: unknown } | undefined
  return typeof from?.id === 'string' ? from.id : undefined
}
