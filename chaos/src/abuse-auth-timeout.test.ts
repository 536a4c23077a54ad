import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { record } from './lib/counters.js'
import { knobs } from './lib/env.js'
import { HOST } from './lib/net.js'
import { Relay } from './lib/relay.js'
import { user } from './lib/users.js'
import { until } from './lib/wait.js'
import { connectBackend } from './lib/ws-client.js'

const AUTH_TIMEOUT_MS = 1000

type Idle = { socket: Socket; closedByServer: boolean; ended: boolean; timer?: NodeJS.Timeout }

/**
 * How a never-authenticating client behaves: silent after connecting, stops in the middle of its
 * request line, stops before the blank line that ends the headers, or dribbles a header every 300 ms.
 */
const STYLES = ['silent', 'partial-line', 'no-blank-line', 'slowloris'] as const

function openIdle(port: number, style: (typeof STYLES)[number]): Promise<Idle> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port })
    const idle: Idle = { socket, closedByServer: false, ended: false }
    socket.setNoDelay(true)
    socket.on('error', () => {
      // a reset from the server counts as closed by the server
    })
    socket.on('close', () => {
      idle.ended = true
      if (idle.timer) clearInterval(idle.timer)
    })
    socket.on('end', () => {
      idle.closedByServer = true
    })
    // Read whatever comes (a 408, the FIN): a socket nobody reads never sees its close.
    socket.resume()
    socket.once('connect', () => {
      const req = `GET /v1/backends HTTP/1.1\r\nHost: ${HOST}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n`
      if (style === 'partial-line') socket.write('GET /v1/back')
      if (style === 'no-blank-line') socket.write(req)
      if (style === 'slowloris') {
        socket.write('GET /v1/backends HTTP/1.1\r\n')
        let n = 0
        idle.timer = setInterval(() => {
          if (!socket.destroyed) socket.write(`X-Dribble-${++n}: a\r\n`)
        }, 300)
      }
      resolve(idle)
    })
    socket.once('error', reject)
  })
}

describe('abuse: connections that never authenticate', () => {
  let relay: Relay

  beforeAll(async () => {
    relay = await Relay.start({
      name: 'relay-auth-timeout',
      env: { AUTH_TIMEOUT_MS: String(AUTH_TIMEOUT_MS) },
    })
  })
  afterAll(async () => {
    await relay?.stop()
  })

  it('closes them all by the auth timeout, still admits a real backend, and gives back the file descriptors', async () => {
    const baseline = relay.proc.fdCount()
    const idles: Idle[] = []
    const n = knobs.idleConnections
    const openedAt = Date.now()
    for (let i = 0; i < n; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, n - i) }, (_, j) =>
          openIdle(relay.port, STYLES[(i + j) % STYLES.length] ?? 'silent'),
        ),
      )
      idles.push(...batch)
    }
    const peakFds = relay.proc.fdCount()

    const t0 = performance.now()
    const legit = await connectBackend(relay.backendsUrl, user(0x23, 1, 'Legit Backend'))
    const admittedMs = performance.now() - t0

    // The relay's side is what matters: with every idle client still holding its end, the relay must
    // let go of all of them (its descriptors back to the baseline plus the one real backend).
    const relayLetGo = await until(
      'the relay to drop every idle connection',
      () => relay.proc.fdCount() <= baseline + 1,
      { timeoutMs: AUTH_TIMEOUT_MS + 25_000, intervalMs: 200 },
    ).catch(() => false)
    const relayFdsWhileHeld = relay.proc.fdCount()
    const closedAfterMs = Date.now() - openedAt
    // Client side: sockets the relay closed have seen their close. A connection the kernel completed but
    // the relay never accepted (accept queue full in the burst) still looks open to a silent client;
    // one byte makes the kernel answer with a reset.
    const unsure = idles.filter((c) => !c.ended)
    for (const c of unsure) c.socket.write('\r\n')
    await until('probed connections to settle', () => unsure.every((c) => c.ended), {
      timeoutMs: 5000,
    }).catch(() => undefined)
    const stillOpen = idles.filter((c) => !c.ended).length
    for (const c of idles) c.socket.destroy()
    const legitStillOpen = legit.open
    await legit.close()
    const fdsAfter = await until(
      'relay file descriptors back to the baseline',
      () => {
        const fds = relay.proc.fdCount()
        return fds <= baseline ? fds : false
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    ).catch(() => relay.proc.fdCount())

    console.log(
      `auth timeout: ${n} never-authenticating connections (${STYLES.join(', ')}), relay fds ${baseline} → ${peakFds} → ${relayFdsWhileHeld} with every client still holding on (${closedAfterMs} ms after the first) → ${fdsAfter} at the end; client side: ${n - unsure.length} saw the relay close, ${unsure.length - stillOpen} reset on a probe, ${stillOpen} open; a real backend was admitted in ${admittedMs.toFixed(1)} ms meanwhile`,
    )
    record('abuse: auth timeout', {
      faults: n,
      badInputs: n,
      refused: n - stillOpen,
      crashes: relay.crashes(),
    })

    expect(relayLetGo).toBe(true)
    expect(stillOpen).toBe(0)
    expect(legitStillOpen).toBe(true)
    expect(fdsAfter).toBeLessThanOrEqual(baseline)
    expect(relay.crashes()).toBe(0)
  })
})
