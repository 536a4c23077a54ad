import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killPythonScripts, runPython } from './test-support/python-script.js'
import { type RelayProcess, startRelay } from './test-support/relay-process.js'

let relay: RelayProcess

beforeAll(async () => {
  relay = await startRelay()
})
afterAll(async () => {
  killPythonScripts()
  await relay.stop()
})

describe('a Python websockets client (Debian python3-websockets)', () => {
  it('passes the protocol check: ack, ping, presence, sync, broadcast, errors, 1009, 4000, isolation', async () => {
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
      'replacement_closes_4000',
      'isolation',
      'clean_close',
    ])
    expect(await script.exited).toBe(0)
  })
})
