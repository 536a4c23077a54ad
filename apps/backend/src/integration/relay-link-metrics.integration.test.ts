import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sample } from '../test-support/metrics.js'
import { type Proc, spawnBackend, stopAll, waitFor } from '../test-support/processes.js'
import { type RelayHandle, startRelay } from '../test-support/relay.js'
import { tempDir, USER_A } from '../test-support/temp.js'

describe('the relay link in /metrics (a real backend process and relay)', () => {
  const t = tempDir()
  let relay: RelayHandle
  let a: Proc & { port: number; token: string }

  beforeAll(async () => {
    relay = await startRelay(t.dir)
    a = await spawnBackend({ user: USER_A, dir: t.dir, name: 'a', relayUrls: [relay.url] })
  })
  afterAll(async () => {
    await stopAll()
    await relay?.stop()
    t.cleanup()
  })

  const metrics = async () => {
    const res = await fetch(`http://127.0.0.1:${a.port}/metrics`, {
      headers: { authorization: `Bearer ${a.token}` },
    })
    return res.text()
  }
  const until = (what: string, check: (text: string) => boolean) =>
    waitFor(async () => {
      const text = await metrics()
      return check(text) ? text : undefined
    }, what)

  it('shows the link up, down while the relay is away, and counts the reconnect', async () => {
    const up = await until('link up', (m) => sample(m, 'backend_relay_link_up') === 1)
    expect(sample(up, 'backend_relay_connects_total')).toBe(1)
    expect(sample(up, 'backend_relay_disconnects_total')).toBe(0)

    await relay.stop()
    const down = await until('link down', (m) => sample(m, 'backend_relay_link_up') === 0)
    expect(sample(down, 'backend_relay_disconnects_total')).toBe(1)

    await relay.start()
    const back = await until('link up again', (m) => sample(m, 'backend_relay_link_up') === 1)
    expect(sample(back, 'backend_relay_connects_total')).toBe(2)
    expect(sample(back, 'backend_relay_disconnects_total')).toBe(1)
  })
})
