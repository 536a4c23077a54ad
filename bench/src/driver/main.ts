/**
 * The load driver: a process of its own (forked by run.ts, pinned to its own core) that opens bench
 * backend connections, sends at a fixed rate stamped with process.hrtime, and records HDR histograms.
 */
import { connect as tcpConnect } from 'node:net'
import type * as hdr from 'hdr-histogram-js'
import { io as ioClient } from 'socket.io-client'
import { EventTemplate, nowUs, readMarker } from '../lib/payload.js'
import { mintToken } from '../lib/tokens.js'
import { type Client, type Handlers, makeClient } from './clients.js'
import { atFixedRate, latency, MAX_US, newHistogram, until } from './pacing.js'
import type {
  ConnectResult,
  DriverCommand,
  DriverReply,
  E2eResult,
  Latency,
  LoadResult,
  Pair,
} from './protocol.js'
import { stormArm, stormClosed, stormGo, stormPresence, stormWait } from './storm.js'

const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']

const groups = new Map<string, Map<number, Client>>()
const tokens = new Map<number, string>()

// ---- what is being measured right now -------------------------------------------------------------

interface Session {
  session: number
  counts: Uint16Array
  expectedPer: number
  hist: hdr.Histogram
  delivered: number
  dup: number
}
let current: Session | undefined
let errors = 0
let closes = 0

/** When the last routed event of any session arrived: a step starts only once the previous one is quiet. */
let lastEventAt = 0

async function quiet(ms: number, timeoutMs: number): Promise<void> {
  await until(() => performance.now() - lastEventAt >= ms, timeoutMs)
}

function deliver(text: string): void {
  lastEventAt = performance.now()
  const m = readMarker(text)
  const s = current
  if (m === undefined || s === undefined || m.session !== s.session || m.seq >= s.counts.length) return
  s.hist.recordValue(Math.min(MAX_US, Math.max(1, nowUs() - m.stamp)))
  const c = (s.counts[m.seq] ?? 0) + 1
  s.counts[m.seq] = c
  if (c > s.expectedPer) s.dup++
  else s.delivered++
}

const handlers: Handlers = {
  event: (text) => deliver(text),
  presence: (user, online, client) => stormPresence(user, online, client),
  closed: (client, afterDrain) => {
    closes++
    stormClosed(client, afterDrain)
  },
  error: () => {
    errors++
  },
}

// ---- commands --------------------------------------------------------------------------------------

async function token(index: number): Promise<string> {
  let t = tokens.get(index)
  if (t === undefined) {
    t = await mintToken(index)
    tokens.set(index, t)
  }
  return t
}

async function connect(c: Extract<DriverCommand, { cmd: 'connect' }>): Promise<ConnectResult> {
  const group = groups.get(c.group) ?? new Map<number, Client>()
  groups.set(c.group, group)
  const indexes = Array.from({ length: c.count }, (_, i) => c.from + i)
  for (const i of indexes) await token(i)
  let ok = 0
  let failed = 0
  let firstError: string | undefined
  let next = 0
  const t0 = performance.now()
  const worker = async () => {
    while (next < indexes.length) {
      const index = indexes[next++] ?? 0
      const client = makeClient({
        kind: c.kind,
        url: c.url,
        index,
        token: await token(index),
        localAddress: LOCAL_ADDRESSES[index % LOCAL_ADDRESSES.length] ?? '127.0.0.1',
        handlers,
      })
      try {
        await client.connect()
        group.set(index, client)
        ok++
      } catch (e) {
        failed++
        firstError ??= e instanceof Error ? e.message : String(e)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(c.concurrency, indexes.length) }, worker))
  const ms = performance.now() - t0
  const r: ConnectResult = { ok, failed, ms, perSec: (ok / ms) * 1000 }
  if (firstError !== undefined) r.firstError = firstError
  return r
}

/** Sends `rate` events per second for `durationMs`, round-robin over the pairs, then waits to drain. */
async function load(c: Extract<DriverCommand, { cmd: 'load' }>): Promise<LoadResult> {
  const group = groups.get(c.group)
  if (group === undefined) throw new Error(`no group ${c.group}`)
  const senders: { client: Client; template: EventTemplate; pair: Pair }[] = c.pairs.map((p) => {
    const client = group.get(p.sender)
    if (client === undefined) throw new Error(`sender ${p.sender} not connected`)
    return { client, template: new EventTemplate(p.sender, p.recipients), pair: p }
  })
  const fanout = c.pairs[0]?.recipients.length ?? 1
  const total = Math.max(1, Math.round((c.rate * c.durationMs) / 1000))
  await quiet(100, 15_000)
  const s: Session = {
    session: c.session,
    counts: new Uint16Array(total),
    expectedPer: fanout,
    hist: newHistogram(),
    delivered: 0,
    dup: 0,
  }
  current = s
  const errors0 = errors
  const closes0 = closes
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await atFixedRate(total, c.rate, t0, (seq) => {
    const x = senders[seq % senders.length]
    if (x === undefined) return
    if (x.client.objects) x.client.sendObject(x.template.object(c.session, seq, nowUs()))
    else x.client.sendText(x.template.frame(c.session, seq, nowUs()))
  })
  const sendMs = performance.now() - t0
  const expected = total * fanout
  await until(() => s.delivered >= expected, c.drainMs)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  current = undefined
  // An overloaded step leaves a backlog behind: let it drain before anything else is measured.
  if (s.delivered < expected) await quiet(300, 20_000)
  return {
    sent: total,
    expected,
    delivered: s.delivered,
    lost: expected - s.delivered,
    dup: s.dup,
    errors: errors - errors0,
    closes: closes - closes0,
    achievedRate: (total / Math.max(sendMs, 1)) * 1000,
    driverCpuPct: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    ...latency(s.hist),
  }
}

/** The idle floor: fixed-rate round trips through a bare TCP echo, timed like `load`'s events. */
async function echo(c: Extract<DriverCommand, { cmd: 'echo' }>): Promise<Latency & { n: number }> {
  const socket = tcpConnect({ port: c.port, host: '127.0.0.1', noDelay: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('error', reject)
  })
  const hist = newHistogram()
  const message = Buffer.alloc(c.bytes, 120)
  const stamps: number[] = []
  let pending = 0
  socket.on('data', (chunk: Buffer) => {
    pending += chunk.length
    while (pending >= c.bytes && stamps.length > 0) {
      pending -= c.bytes
      hist.recordValue(Math.min(MAX_US, Math.max(1, nowUs() - (stamps.shift() ?? 0))))
    }
  })
  const total = Math.max(1, Math.round((c.rate * c.durationMs) / 1000))
  const t0 = performance.now()
  await atFixedRate(total, c.rate, t0, () => {
    stamps.push(nowUs())
    socket.write(message)
  })
  await until(() => stamps.length === 0, 2000)
  socket.destroy()
  return { ...latency(hist), n: hist.totalCount }
}

function closeGroup(name: string): void {
  const group = groups.get(name)
  if (group === undefined) return
  for (const c of group.values()) c.close()
  groups.delete(name)
}

/** Posts comments to backend A at a fixed rate; B's browser socket receives `comment:upserted`. */
async function e2e(c: Extract<DriverCommand, { cmd: 'e2e' }>): Promise<E2eResult> {
  const socket = ioClient(c.urlB, {
    forceNew: true,
    reconnection: true,
    transports: ['websocket'],
    extraHeaders: { authorization: `Bearer ${c.tokenB}` },
  })
  const total = Math.max(1, Math.round((c.rate * c.durationMs) / 1000))
  const s: Session = {
    session: c.session,
    counts: new Uint16Array(total),
    expectedPer: 1,
    hist: newHistogram(),
    delivered: 0,
    dup: 0,
  }
  socket.on('comment:upserted', (p: { body?: string }) => {
    if (typeof p?.body === 'string') {
      current = s
      deliver(p.body)
    }
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  current = s
  const rest = newHistogram()
  let restErrors = 0
  const url = `${c.apiA}/ideas/${c.ideaId}/comments`
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const inflight: Promise<void>[] = []
  await atFixedRate(total, c.rate, t0, (seq) => {
    const stamp = nowUs()
    const body = `bench:${c.session}:${seq}:${stamp}: end-to-end comment`
    inflight.push(
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.tokenA}` },
        body: JSON.stringify({ body }),
      }).then(
        async (r) => {
          await r.arrayBuffer()
          if (r.status !== 201) restErrors++
          rest.recordValue(Math.min(MAX_US, Math.max(1, nowUs() - stamp)))
        },
        () => {
          restErrors++
        },
      ),
    )
  })
  const sendMs = performance.now() - t0
  await Promise.all(inflight)
  await until(() => s.delivered >= total, c.drainMs)
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  current = undefined
  socket.disconnect()
  const r = latency(rest)
  return {
    sent: total,
    expected: total,
    delivered: s.delivered,
    lost: total - s.delivered,
    dup: s.dup,
    errors: restErrors,
    closes: 0,
    achievedRate: (total / Math.max(sendMs, 1)) * 1000,
    driverCpuPct: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    ...latency(s.hist),
    restP50: r.p50,
    restP99: r.p99,
    restErrors,
  }
}

async function handle(c: DriverCommand): Promise<unknown> {
  switch (c.cmd) {
    case 'connect':
      return connect(c)
    case 'close':
      closeGroup(c.group)
      return null
    case 'load':
      return load(c)
    case 'echo':
      return echo(c)
    case 'storm-arm':
      return stormArm(c, groups)
    case 'storm-go':
      stormGo()
      return null
    case 'storm-wait':
      return stormWait(c.timeoutMs)
    case 'e2e':
      return e2e(c)
  }
}

process.on('message', (msg: DriverCommand) => {
  handle(msg).then(
    (result) => process.send?.({ ok: true, result } satisfies DriverReply),
    (e: unknown) =>
      process.send?.({
        ok: false,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      } satisfies DriverReply),
  )
})
process.on('disconnect', () => process.exit(0))
