import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Service } from './service.js'
import type { UserSpec } from './users.js'

/** The launcher's state file: what it started, where, and with which pids and tokens. */

export interface StackUser extends UserSpec {
  backendUrl: string
  apiUrl: string
  webUrl: string | null
  db: string
  backend: Service
  web: Service | undefined
  /** The backend's API token (its 0600 token file, written by the backend at first start). */
  apiToken: string
  /** The web URL with a one-time sign-in code (null without a web app). */
  signInUrl: string | null
}

export interface StackState {
  status: 'starting' | 'ready' | 'stopping' | 'stopped' | 'failed'
  mode: 'dev' | 'prod'
  launcherPid: number
  controlUrl: string | null
  relay: { url: string; port: number; pid: number | null; running: boolean; log: string }
  users: Array<{
    key: string
    id: string
    displayName: string
    backendUrl: string
    apiUrl: string
    webUrl: string | null
    db: string
    backendPid: number | null
    webPid: number | null
    backendLog: string
    webLog: string | null
    /** Opening it signs the browser in (one use). */
    signInUrl: string | null
    /** For scripts: `Authorization: Bearer <apiToken>`. */
    apiToken: string | null
  }>
}

/** Services of a previous launcher (same state file) whose process is still alive, by name. */
export function leftoverPids(stateFile: string): Map<string, number> {
  const found = new Map<string, number>()
  let previous: StackState
  try {
    previous = JSON.parse(readFileSync(stateFile, 'utf8')) as StackState
  } catch {
    return found
  }
  const alive = (pid: number | null) => {
    if (pid === null) return false
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  if (alive(previous.relay.pid) && previous.relay.pid !== null) found.set('relay', previous.relay.pid)
  for (const u of previous.users ?? []) {
    if (alive(u.backendPid) && u.backendPid !== null) found.set(`backend-${u.key}`, u.backendPid)
    if (alive(u.webPid) && u.webPid !== null) found.set(`web-${u.key}`, u.webPid)
  }
  return found
}

/** Writes the state file; it holds each user's API token, so it is readable by the launcher's user only. */
export function writeStateFile(stateFile: string, state: StackState): void {
  mkdirSync(resolve(stateFile, '..'), { recursive: true })
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
  chmodSync(stateFile, 0o600)
}
