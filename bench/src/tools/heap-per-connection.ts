/**
 * `tsx src/tools/heap-per-connection.ts [ours|raw|sio] [n]`: what one idle backend connection keeps on
 * the server's V8 heap, by object kind. Heap snapshots (through the inspector, after GC) before and after
 * n connections; prints the largest differences per connection.
 */
import WebSocket from 'ws'
import { Driver } from '../lib/driver-handle.js'
import { type Kind, type Server, sleep, startServer, stopServer } from '../lib/procs.js'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

async function takeSnapshot(s: Server): Promise<Map<string, { size: number; count: number }>> {
  if (s.inspectorUrl === undefined) throw new Error('no inspector')
  const ws = new WebSocket(s.inspectorUrl, { perMessageDeflate: false, maxPayload: 2 ** 31 })
  await new Promise<void>((r, j) => {
    ws.once('open', () => r())
    ws.once('error', j)
  })
  const chunks: string[] = []
  let next = 1
  const pending = new Map<number, () => void>()
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { id?: number; method?: string; params?: { chunk: string } }
    if (m.method === 'HeapProfiler.addHeapSnapshotChunk' && m.params) chunks.push(m.params.chunk)
    if (m.id !== undefined) pending.get(m.id)?.()
  })
  const call = (method: string, params: object = {}) =>
    new Promise<void>((r) => {
      const id = next++
      pending.set(id, r)
      ws.send(JSON.stringify({ id, method, params }))
    })
  await call('HeapProfiler.enable')
  await call('HeapProfiler.collectGarbage')
  await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
  ws.close()
  const snap = JSON.parse(chunks.join('')) as Snapshot
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const width = fields.length
  const iType = fields.indexOf('type')
  const iName = fields.indexOf('name')
  const iSize = fields.indexOf('self_size')
  const out = new Map<string, { size: number; count: number }>()
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType] ?? 0] ?? '?'
    let name = snap.strings[snap.nodes[i + iName] ?? 0] ?? '?'
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
      // Strings are grouped by their shape (digits and hex runs masked) so one per connection shows up.
      name = STRINGS
        ? `"${name
            .slice(0, 48)
            .replace(/[0-9a-f]{4,}/g, 'h')
            .replace(/\d+/g, '#')}"`
        : '(string)'
    }
    if (type === 'code' || type === 'hidden') name = `(${type})`
    if (name.length > 60) name = `${name.slice(0, 57)}...`
    const key = `${type}:${name}`
    const e = out.get(key) ?? { size: 0, count: 0 }
    e.size += snap.nodes[i + iSize] ?? 0
    e.count++
    out.set(key, e)
  }
  return out
}

const STRINGS = process.argv.includes('--strings')
const kind = (process.argv[2] ?? 'ours') as Kind
const n = Number(process.argv[3] ?? 1000)
const server = await startServer(kind, { inspect: true })
const driver = Driver.start()
try {
  await sleep(300)
  const before = await takeSnapshot(server)
  await driver.call({
    cmd: 'connect',
    group: 'h',
    kind,
    url: server.url,
    from: 0,
    count: n,
    concurrency: 100,
  })
  await sleep(500)
  const after = await takeSnapshot(server)
  const diff: [string, number, number][] = []
  let total = 0
  for (const [k, a] of after) {
    const b = before.get(k) ?? { size: 0, count: 0 }
    const d = a.size - b.size
    total += d
    if (d > 0) diff.push([k, d / n, (a.count - b.count) / n])
  }
  diff.sort((x, y) => y[1] - x[1])
  console.log(`${kind}: ${(total / n).toFixed(0)} bytes of heap per connection (${n} connections)`)
  for (const [k, bytes, count] of diff.slice(0, 30)) {
    console.log(`${bytes.toFixed(0).padStart(7)} B  ${count.toFixed(2).padStart(6)} objects  ${k}`)
  }
} finally {
  await driver.stop()
  await stopServer(server)
}
