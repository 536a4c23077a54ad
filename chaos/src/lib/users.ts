import type { User } from './ws-client.js'

/** A user with a deterministic uuid: `tag` (0–0xffff) keeps scenarios apart, `n` numbers the users. */
export function user(tag: number, n: number, name = `User ${tag.toString(16)}-${n}`): User {
  return {
    id: `00000000-${tag.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`,
    name,
  }
}
