import { userId } from '../lib/ids.js'
import type { Client } from './clients.js'
import { until } from './pacing.js'
import type { DriverCommand, StormResult } from './protocol.js'

/** The reconnect storm: a group of clients dropped at once, timed until all are back and seen online. */
interface Storm {
  group: Map<number, Client>
  observer: Client
  observerId: string
  others: string[]
  seen: Set<string>
  active: boolean
  t0: number
  allBackAt: number
  presenceAt: number
  attempts: number
}
let storm: Storm | undefined

function stormCheck(): void {
  const s = storm
  if (s === undefined || !s.active) return
  const t = performance.now()
  if (s.allBackAt === 0) {
    let all = true
    for (const c of s.group.values()) {
      if (!c.connected) {
        all = false
        break
      }
    }
    if (all) s.allBackAt = t
  }
  if (s.presenceAt === 0 && s.observer.connected && s.seen.size === s.others.length) {
    let all = true
    for (const c of s.group.values()) if (!c.connected) all = false
    if (all) s.presenceAt = t
  }
}

/** Clients that heard `drain` and are not back yet (the backend's reconnect policy depends on it). */
const drained = new Set<Client>()

function reconnect(client: Client, attempt: number, immediate: boolean): void {
  const s = storm
  if (s === undefined || !s.active) return
  // The backend's policy (apps/backend/src/delivery/backoff.ts): at once after a drain, else full jitter
  // from 250 ms, doubling, capped at 2.5 s, or at 1 s after a drain until it is back (the relay restarts).
  if (immediate) drained.add(client)
  const cap = drained.has(client) ? 1000 : 2500
  const delay = immediate ? 0 : Math.random() * Math.min(cap, 250 * 2 ** attempt)
  setTimeout(() => {
    s.attempts++
    client.connect().then(
      () => {
        drained.delete(client)
        // As a backend does on every link up: its watch list again. Presence flows only between users
        // who watch each other, so each of the others watches the observer back.
        if (client === s.observer) {
          s.seen.clear()
          client.watch(s.others)
        } else client.watch([s.observerId])
        stormCheck()
      },
      () => reconnect(client, attempt + 1, false),
    )
  }, delay)
}

/** A presence frame heard by a client: the observer's count of who it sees online. */
export function stormPresence(user: string, online: boolean, client: Client): void {
  const s = storm
  if (s === undefined || client !== s.observer) return
  if (online) s.seen.add(user)
  else s.seen.delete(user)
  stormCheck()
}

/** A client's socket closed: during a storm, one of the group reconnects as the backend would. */
export function stormClosed(client: Client, afterDrain: boolean): void {
  if (storm?.active && storm.group.has(client.index)) reconnect(client, 0, afterDrain)
}

/** The storm starts now (the relay is about to go). */
export function stormGo(): void {
  const s = storm
  if (s === undefined) throw new Error('storm not armed')
  s.t0 = performance.now()
  s.active = true
}

export async function stormArm(
  c: Extract<DriverCommand, { cmd: 'storm-arm' }>,
  groups: ReadonlyMap<string, Map<number, Client>>,
): Promise<{ seen: number }> {
  const group = groups.get(c.group)
  const observer = group?.get(c.observer)
  if (group === undefined || observer === undefined) throw new Error('storm: group or observer missing')
  const others = [...group.keys()].filter((i) => i !== c.observer).map(userId)
  storm = {
    group,
    observer,
    observerId: userId(c.observer),
    others,
    seen: new Set(),
    active: false,
    t0: 0,
    allBackAt: 0,
    presenceAt: 0,
    attempts: 0,
  }
  // Presence is mutual: the others watch the observer, the observer watches them.
  for (const [i, client] of group) if (i !== c.observer) client.watch([userId(c.observer)])
  observer.watch(others)
  const s = storm
  await until(() => s.seen.size === others.length, 10_000)
  if (s.seen.size !== others.length)
    throw new Error(`storm: the observer sees ${s.seen.size} of ${others.length} online`)
  return { seen: s.seen.size }
}

export async function stormWait(timeoutMs: number): Promise<StormResult> {
  const s = storm
  if (s === undefined) throw new Error('storm not armed')
  await until(() => s.presenceAt > 0, timeoutMs)
  s.active = false
  let back = 0
  for (const c of s.group.values()) if (c.connected) back++
  storm = undefined
  return {
    allBackMs: s.allBackAt > 0 ? s.allBackAt - s.t0 : null,
    presenceMs: s.presenceAt > 0 ? s.presenceAt - s.t0 : null,
    back,
    of: s.group.size,
    attempts: s.attempts,
  }
}
