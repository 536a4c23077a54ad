import type { RelayOnlineUser } from '@pp/contracts'
import type { Logger } from 'pino'
import type { BackendConnection } from './connection.js'
import { type InboundWatch, presenceFrame } from './frames.js'
import type { WatchIndex } from './watch-index.js'
import { textFrame } from './wire.js'
import type { CorkedWriter } from './write-path.js'

export type PresenceParts = {
  /** The routing connection of a user on this node. */
  active: (userId: string) => BackendConnection | undefined
  /** A user connected to another relay node. */
  elsewhere: (userId: string) => RelayOnlineUser | undefined
  watches: WatchIndex
  writer: CorkedWriter
  log: Logger
}

/** Who hears of whose comings and goings: `watch` frames, and presence frames to watchers. */
export class PresenceFanout {
  readonly #active: (userId: string) => BackendConnection | undefined
  readonly #elsewhere: (userId: string) => RelayOnlineUser | undefined
  readonly #watches: WatchIndex
  readonly #writer: CorkedWriter
  readonly #log: Logger

  constructor(parts: PresenceParts) {
    this.#active = parts.active
    this.#elsewhere = parts.elsewhere
    this.#watches = parts.watches
    this.#writer = parts.writer
    this.#log = parts.log
  }

  /** `conn` connected: the senders told it was `undeliverable` hear it is online, once. */
  arrived(conn: BackendConnection): void {
    const frame = presenceFrame(conn.userJson, true, new Date().toISOString())
    // A new connection watches no one until its `watch` frame, so only the watchers it watched before it
    // was replaced would be mutual: they hear of it again when its `watch` frame names them.
    for (const sender of this.#watches.takeAwaiting(conn.user.id) ?? []) {
      if (!sender.closing) this.#writer.send(sender, frame)
    }
  }

  /**
   * Presence flows only between users who watch each other (friends, or a request pending either way):
   * a backend hears of a user only if that user watches it back, so nobody learns the comings and
   * goings of someone who has not listed them. Users on other relay nodes are the exception (their
   * watch lists stay on their node): see SECURITY.md.
   */
  watch(conn: BackendConnection, frame: InboundWatch): void {
    const before = conn.watching
    const ids = new Set(frame.userIds)
    this.#watches.watch(conn, ids)
    const active = this.#active(conn.user.id) === conn
    const at = new Date().toISOString()
    for (const id of ids) {
      const local = this.#active(id)
      if (local !== undefined) {
        // Mutual now: each hears of the other.
        if (local.watching.has(conn.user.id)) {
          this.#writer.send(conn, presenceFrame(local.userJson, true, at))
          if (active && !before.has(id)) this.#writer.send(local, presenceFrame(conn.userJson, true, at))
        }
        continue
      }
      const there = this.#elsewhere(id)
      if (there !== undefined) {
        this.#writer.send(
          conn,
          presenceFrame(JSON.stringify({ id: there.id, displayName: there.displayName }), true, at),
        )
      }
    }
    this.#log.debug({ user: conn.user.id, watching: ids.size }, 'watch list set')
  }

  /**
   * Tells `userId`'s watchers a presence change. `watchedBack` is the user's own watch list when it is
   * on this node (only watchers it lists hear); undefined for a user on another node.
   */
  notify(userId: string, frame: string, watchedBack?: ReadonlySet<string>): void {
    const set = this.#watches.watchers(userId)
    if (set === undefined) return
    let wire: Buffer | undefined
    for (const watcher of set) {
      if (watchedBack !== undefined && !watchedBack.has(watcher.user.id)) continue
      wire ??= textFrame(frame)
      this.#writer.send(watcher, wire)
    }
  }
}
