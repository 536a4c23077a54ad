import { readFileSync } from 'node:fs'

/** What the launcher writes to its state file (the subset the tests read). */
export interface StackState {
  status: 'starting' | 'ready' | 'stopping' | 'stopped' | 'failed'
  controlUrl: string | null
  relay: { url: string; pid: number | null; running: boolean; log: string }
  users: Array<{
    key: string
    id: string
    displayName: string
    apiUrl: string
    webUrl: string | null
    backendLog: string
    /** The printed sign-in link (one use). */
    signInUrl: string | null
    apiToken: string | null
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

/** A fresh sign-in link for a user, made as a script would: with its API token. */
export async function freshSignInLink(user: StackState['users'][number]): Promise<string> {
  if (!user.webUrl || !user.apiToken) throw new Error(`user ${user.key} has no web app or API token`)
  const res = await fetch(`${user.apiUrl}/auth/sign-in-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.apiToken}` },
  })
  if (!res.ok) throw new Error(`sign-in code for ${user.key}: ${res.status} ${await res.text()}`)
  const { code } = (await res.json()) as { code: string }
  const url = new URL(user.webUrl)
  url.searchParams.set('code', code)
  return url.toString()
}

/** `Authorization` for a user's REST API. */
export function authOf(apiUrl: string): Record<string, string> {
  const user = stack().users.find((u) => u.apiUrl === apiUrl)
  if (!user?.apiToken) throw new Error(`no API token for ${apiUrl}`)
  return { authorization: `Bearer ${user.apiToken}` }
}
