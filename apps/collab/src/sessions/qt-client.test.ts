import { afterEach, describe, expect, it } from 'vitest'
import { killPythonScripts, runPython } from './test-support/python-script.js'
import { type RelayProcess, startRelay } from './test-support/relay-process.js'

const relays: RelayProcess[] = []
const start = async (port?: number) => {
  const relay = await startRelay({}, port)
  relays.push(relay)
  return relay
}

afterEach(async () => {
  killPythonScripts()
  await Promise.all(relays.splice(0).map((r) => r.stop()))
})

describe('a Qt QWebSocket client (Debian PyQt6 QtWebSockets, Qt 6.4, offscreen)', () => {
  it('passes the guide’s Layer 4 check: stays connected 15 s with app-level pings, closes cleanly', async () => {
    const relay = await start()
    const script = runPython('qt_layer4_check.py', ['--url', relay.wsUrl, '--duration', '15'])
    const result = await script.result()
    expect(result, script.output()).toMatchObject({
      ok: true,
      connected: true,
      still_connected: true,
      state_before_close: 'ConnectedState',
      close_code: 1000,
      ack: { type: 'connection:ack', session_id: 'test_session', user_id: 'test_user', users: ['test_user'] },
    })
    expect(result.messages_received).toBeGreaterThanOrEqual(2)
    expect(result.pongs).toBeGreaterThanOrEqual(1)
    expect(result.disconnects).toEqual([{ code: 1000, reason: '' }])
  }, 60_000)

  it('syncs items between two clients, and a late third client receives the state', async () => {
    const relay = await start()
    const script = runPython('qt_items_check.py', ['--url', relay.wsUrl])
    const result = await script.result()
    expect(result, script.output()).toMatchObject({ ok: true, errors: [] })
    expect(result.carol_items).toEqual(result.items)
  }, 60_000)

  it('reconnects both clients after the server restarts, and they keep collaborating', async () => {
    const relay = await start()
    const script = runPython('qt_reconnect_check.py', ['--url', relay.wsUrl])
    await script.line((l) => l.event === 'ready')
    await relay.stop()
    // Same port, immediately: the stopped relay released it.
    await start(relay.port)
    const result = await script.result()
    expect(result, script.output()).toMatchObject({ ok: true })
    expect(result.close_codes).toEqual([1001, 1001])
  }, 60_000)
})
