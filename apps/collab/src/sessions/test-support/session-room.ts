import { afterAll, beforeAll } from 'vitest'
import { type RelayProcess, startRelay } from './relay-process.js'
import { SessionClient } from './session-client.js'

/**
 * One real relay process for a test file (started before its tests, stopped after), and `join`, which
 * opens a session client that is closed when the file is done.
 */
export function useSessionRelay(env: Record<string, string> = {}) {
  let started: RelayProcess | undefined
  const clients: SessionClient[] = []
  beforeAll(async () => {
    started = await startRelay(env)
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
    await started?.stop()
  })
  const relay = (): RelayProcess => {
    if (started === undefined) throw new Error('the relay has not started')
    return started
  }
  const join = async (session: string, user: string, query = ''): Promise<SessionClient> => {
    const c = await SessionClient.join(relay().wsUrl, session, user, query)
    clients.push(c)
    return c
  }
  /** Opens a client without waiting for its ack (for one the relay refuses). */
  const open = async (session: string, user: string, query = ''): Promise<SessionClient> => {
    const c = await SessionClient.open(relay().wsUrl, session, user, query)
    clients.push(c)
    return c
  }
  return { relay, join, open }
}
