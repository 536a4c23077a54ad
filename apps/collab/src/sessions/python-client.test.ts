import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killPythonScripts, runPython } from './test-support/python-script.js'
import { type RelayProcess, startRelay } from './test-support/relay-process.js'

let relay: RelayProcess

beforeAll(async () => {
  relay = await startRelay({ SESSION_SYNC_TIMEOUT_MS: '1500' })
})
afterAll(async () => {
  killPythonScripts()
  await relay.stop()
})

describe('a Python websockets client (Debian python3-websockets)', () => {
  it('passes the protocol check: ack, ping, presence, sync and fallback, broadcast, errors, 1009, no takeover in open rooms, isolation, 6 users', async () => {
    const script = runPython('python_protocol_check.py', ['--url', relay.wsUrl])
    const result = await script.result()
    expect(result, script.output()).toMatchObject({ ok: true, error: null })
    expect(Object.keys(result.checks as object)).toEqual([
      'ack',
      'pong_iso_timestamp',
      'second_ack_lists_both',
      'user_joined',
      'late_joiner_sync',
      'broadcast',
      'errors_keep_connection',
      'user_left',
      'oversize_closes_1009',
      'open_room_keeps_member',
      'isolation',
      'six_users_fan_out',
      'sync_fallback_to_next_member',
      'clean_close',
    ])
    expect(await script.exited).toBe(0)
  })

  it('is closed with 1001 when silent, and kept while it pings', async () => {
    const idleRelay = await startRelay({ SESSION_IDLE_TIMEOUT_MS: '1500' })
    try {
      const script = runPython('python_protocol_check.py', ['--url', idleRelay.wsUrl, '--idle'])
      const result = await script.result()
      expect(result, script.output()).toMatchObject({
        ok: true,
        checks: { silent_closed_1001: true, others_told: true, pinging_client_open: true },
      })
    } finally {
      await idleRelay.stop()
    }
  })
})
