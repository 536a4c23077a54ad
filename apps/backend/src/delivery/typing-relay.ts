import type { ThreadActivity, TypingEvent, UserRef } from '@pp/contracts'
import { uuidv7 } from 'uuidv7'
import type { Ctx } from '../domain/context.js'
import type { LiveEmit } from '../domain/effects.js'
import { typingAudience, typingPassOn, typist } from '../domain/typing.js'
import { unknownUserName } from '../domain/verified-names.js'
import type { RelayClient } from './relay-client.js'

/**
 * Typing and viewing in a thread, between the browser and the others on the idea: sealed like any
 * event, sent once, never stored or retried. The idea's owner passes a sharee's typing on to the other
 * sharees.
 */
export class TypingRelay {
  constructor(
    private readonly ctx: Ctx,
    private readonly relay: RelayClient | null,
    private readonly live: (e: LiveEmit) => void,
  ) {}

  /** My browser's `typing`: to the others on the idea. */
  async send(ideaId: string, activity?: ThreadActivity): Promise<void> {
    if (!this.relay?.connected) return
    await this.seal(await typingAudience(this.ctx, ideaId), {
      type: 'typing',
      ideaId,
      ...(activity === undefined ? {} : { activity }),
    })
  }

  /** A received `typing` reaches the browser only from the idea's owner or a current sharee. */
  async received(from: UserRef, ideaId: string, userId?: string, activity?: ThreadActivity): Promise<void> {
    const who = await typist(this.ctx, from.id, ideaId, userId)
    if (who === null) {
      this.ctx.log.debug({ ideaId, fromId: from.id }, 'typing from someone not on the idea dropped')
      return
    }
    const name = who === from.id ? from.displayName : (this.ctx.names.get(who) ?? unknownUserName(who))
    const act = activity === undefined ? {} : { activity }
    this.live({ name: 'typing', payload: { ideaId, user: { id: who, displayName: name }, ...act } })
    if (userId === undefined && who !== this.ctx.me.id) {
      await this.seal(await typingPassOn(this.ctx, ideaId, who), {
        type: 'typing',
        ideaId,
        userId: who,
        ...act,
      })
    }
  }

  /** Sealed for each recipient whose keys are here, one `send` each, all under one id. */
  private async seal(to: readonly string[], typing: TypingEvent): Promise<void> {
    if (!this.relay?.connected || to.length === 0) return
    const id = uuidv7()
    for (const userId of to) {
      const keys = await this.ctx.keys.sealingKeys(userId)
      if (keys === null) continue
      const event = this.ctx.keys.sealer.seal({ id: userId, keys }, id, typing)
      this.relay.send({ type: 'send', id, to: [userId], event })
    }
  }
}
