import { afterEach, describe, expect, it } from 'vitest'
import { pollUntil, type RelayProcess, startRelayProcess } from './test-support/relay-process.js'
import { SessionClient } from './test-support/session-client.js'

const relays: RelayProcess[] = []
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()))
})

describe('the startup banner and --debug', () => {
  it('prints the session endpoint and the configuration once listening', async () => {
    const relay = await startRelayProcess({ SESSION_AUTH: 'required' })
    relays.push(relay)
    const out = await pollUntil('the banner', () =>
      relay.output().includes('✓ Clients can connect to:') ? relay.output() : undefined,
    )
    expect(out).toContain(`✓ Clients can connect to: ws://127.0.0.1:${relay.port}/ws/{session_id}/{user_id}`)
    expect(out).toContain('ping_interval: None (disabled)')
    expect(out).toContain('compression: None (disabled)')
    expect(out).toContain('session auth: required')
    expect(out).toContain('✓ Server ready and listening')
  })

  it('prints the guide’s ping_interval and ping_timeout lines exactly, one after the other', async () => {
    const relay = await startRelayProcess()
    relays.push(relay)
    const out = await pollUntil('the banner', () =>
      relay.output().includes('✓ Clients can connect to:') ? relay.output() : undefined,
    )
    const lines = out.split('\n')
    const interval = lines.indexOf('  - ping_interval: None (disabled)')
    expect(interval, out).toBeGreaterThan(0)
    expect(lines[interval + 1]).toBe('  - ping_timeout: None (disabled)')
    expect(lines[interval + 2]).toBe('  - compression: None (disabled)')
    expect(lines).toContain('PORTFOLIO PLANNER COLLABORATION RELAY')
    expect(lines.some((l) => l.startsWith('  - Application-level heartbeat'))).toBe(true)
  })

  it('logs each session message with --debug', async () => {
    const relay = await startRelayProcess({}, undefined, ['--debug'])
    relays.push(relay)
    const a = await SessionClient.join(relay.wsUrl, 'debug-room', 'a')
    const b = await SessionClient.join(relay.wsUrl, 'debug-room', 'b')
    a.send({ type: 'item:add', id: 'z' })
    await b.next((m) => m.type === 'item:add')
    const line = await pollUntil('the debug line', () =>
      relay
        .output()
        .split('\n')
        .find((l) => l.includes('session message broadcast')),
    )
    expect(JSON.parse(line)).toMatchObject({
      session: 'debug-room',
      user: 'a',
      type: 'item:add',
      recipients: 1,
    })
    await Promise.all([a.close(), b.close()])
  })
})
