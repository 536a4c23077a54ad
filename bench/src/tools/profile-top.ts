/**
 * `tsx src/tools/profile-top.ts <file.cpuprofile> [n]`: the functions with the most self time in a V8 CPU
 * profile (as written by `node --cpu-prof`), with their file and line, and the busiest files.
 */
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples?: number[]
  timeDeltas?: number[]
  startTime: number
  endTime: number
}

const file = process.argv[2]
if (file === undefined) {
  console.error('usage: profile-top <file.cpuprofile> [n]')
  process.exit(2)
}
const n = Number(process.argv[3] ?? 25)
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(p.nodes.map((x) => [x.id, x]))
const self = new Map<number, number>()
const samples = p.samples ?? []
const deltas = p.timeDeltas ?? []
for (let i = 0; i < samples.length; i++) {
  const id = samples[i] ?? 0
  self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0))
}
const total = [...self.values()].reduce((a, b) => a + b, 0)
const fnTime = new Map<string, number>()
const fileTime = new Map<string, number>()
for (const [id, us] of self) {
  const node = byId.get(id)
  if (node === undefined) continue
  const cf = node.callFrame
  const where = cf.url.replace(/^file:\/\//, '').replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
  const key = `${cf.functionName || '(anonymous)'}  ${where}:${cf.lineNumber + 1}`
  fnTime.set(key, (fnTime.get(key) ?? 0) + us)
  const f = where === '' ? `(${cf.functionName})` : where.replace(/:\d+$/, '')
  fileTime.set(f, (fileTime.get(f) ?? 0) + us)
}
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:`)
for (const [k, us] of [...fnTime].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(us)}  ${k}`)
console.log('\nself time by file:')
for (const [k, us] of [...fileTime].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(us)}  ${k}`)
