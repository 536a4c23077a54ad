import { frameId, IDEA_ID, userId, userName } from './ids.js'

/** Size of a point-to-point `send` frame: its `event` is ~300 bytes of JSON, the envelope ~100 more. */
export const FRAME_BYTES = 400
const CREATED_AT = '2026-11-22T00:00:00.000Z'
const MARK = 'bench:'

/** Microseconds on the monotonic clock (process.hrtime). */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n)
}

/**
 * The event a bench sender sends: a valid `comment_added` whose body carries `bench:<session>:<seq>:<µs>:`
 * followed by padding, so a receiver reads the stamp without parsing the whole frame.
 */
export class EventTemplate {
  readonly to: string[]
  private readonly toJson: string
  private readonly author: { id: string; displayName: string }
  private readonly pad: string

  constructor(sender: number, recipients: readonly number[]) {
    this.to = recipients.map(userId)
    this.toJson = JSON.stringify(this.to)
    this.author = { id: userId(sender), displayName: userName(sender) }
    // Pad as if for one recipient, so every event carries the same body whatever the fan-out.
    const probe = new EventTemplate0(this.author, JSON.stringify([userId(0)])).frame(0, 0, 1e12, '')
    this.pad = 'x'.repeat(Math.max(0, FRAME_BYTES - probe.length))
  }

  body(session: number, seq: number, stamp: number): string {
    return `${MARK}${session}:${seq}:${stamp}:${this.pad}`
  }

  /** The `send` frame as the relay protocol's JSON text. */
  frame(session: number, seq: number, stamp: number): string {
    return new EventTemplate0(this.author, this.toJson).frame(session, seq, stamp, this.pad)
  }

  /** The same frame as an object (Socket.IO serialises it itself). */
  object(session: number, seq: number, stamp: number) {
    const id = frameId(session, seq)
    return {
      id,
      to: this.to,
      event: {
        type: 'comment_added',
        comment: {
          id,
          ideaId: IDEA_ID,
          author: this.author,
          body: this.body(session, seq, stamp),
          createdAt: CREATED_AT,
        },
      },
    }
  }
}

class EventTemplate0 {
  constructor(
    private readonly author: { id: string; displayName: string },
    private readonly toJson: string,
  ) {}
  frame(session: number, seq: number, stamp: number, pad: string): string {
    const id = frameId(session, seq)
    return `{"type":"send","id":"${id}","to":${this.toJson},"event":{"type":"comment_added","comment":{"id":"${id}","ideaId":"${IDEA_ID}","author":${JSON.stringify(this.author)},"body":"${MARK}${session}:${seq}:${stamp}:${pad}","createdAt":"${CREATED_AT}"}}}`
  }
}

export interface Marker {
  session: number
  seq: number
  stamp: number
}

/** Reads the bench marker out of any text that contains a bench body; undefined when there is none. */
export function readMarker(text: string): Marker | undefined {
  const i = text.indexOf(MARK)
  if (i < 0) return undefined
  const a = i + MARK.length
  const b = text.indexOf(':', a)
  const c = text.indexOf(':', b + 1)
  const d = text.indexOf(':', c + 1)
  if (b < 0 || c < 0 || d < 0) return undefined
  return {
    session: Number(text.slice(a, b)),
    seq: Number(text.slice(b + 1, c)),
    stamp: Number(text.slice(c + 1, d)),
  }
}
