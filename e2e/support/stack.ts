import { readFileSync } from 'node:fs'

/** What the launcher writes to its state file (the subset the tests read). */
export interface StackState {
  status: 'starting' | 'ready' | 'stopping' | 'stopped' | 'failed'
  controlUrl: string | null
  relay: { url: string; running: boolean; log: string }
  users: Array<{
    key: string
    id: string
    displayName: string
    apiUrl: string
    webUrl: string | null
    backendLog: string
  }>
}

export const STATE_ENV = 'PP_E2E_STATE_FILE'

export function readState(file: string): StackState | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackState
  } catch {
    return undefined
  }
}

/** The running stack, as the global setup started it. */
export function stack(): StackState {
  const file = process.env[STATE_ENV]
  const state = file ? readState(file) : undefined
  if (state?.status !== 'ready') throw new Error('the stack is not running (global setup did not finish)')
  return state
}

/** The text of a service's log (the relay's, or a user's backend's by key). */
export function logOf(service: 'relay' | string): string {
  const state = stack()
  const file = service === 'relay' ? state.relay.log : state.users.find((u) => u.key === service)?.backendLog
  if (!file) throw new Error(`no log for ${service}`)
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}
