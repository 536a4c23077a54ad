/**
 * What the relay's input checks cost per event, in-process: the JSON bound (depth and value count) on a
 * typical `send` frame, next to parsing that frame and next to the relay's whole inbound parse:
 *   pnpm --filter @pp/bench exec tsx src/tools/checks-cost.ts [frames]
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { jsonBoundsProblem } from '@pp/contracts'

// The relay's build (run `pnpm build` first), as the relay package exports its frame parser.
const FRAMES = import.meta.resolve('@pp/collab/frames')
const { parseInbound } = (await import(FRAMES)) as { parseInbound: (text: string) => unknown }

const n = Number(process.argv[2] ?? 200_000)
const frame = JSON.stringify({
  type: 'send',
  id: randomUUID(),
  to: [randomUUID()],
  event: {
    type: 'comment_added',
    ideaId: randomUUID(),
    comment: {
      id: randomUUID(),
      ideaId: randomUUID(),
      author: { id: randomUUID(), displayName: 'User B' },
      body: 'Looks good, but watch the earnings date before you roll it.',
      createdAt: new Date().toISOString(),
    },
  },
})

function perFrameNs(fn: () => unknown): number {
  for (let i = 0; i < 20_000; i++) fn()
  const runs: number[] = []
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    for (let i = 0; i < n; i++) fn()
    runs.push(((performance.now() - t0) * 1e6) / n)
  }
  return runs.sort((a, b) => a - b)[2] ?? Number.NaN
}

const parsed = JSON.parse(frame) as unknown
const parse = perFrameNs(() => JSON.parse(frame))
const bound = perFrameNs(() => jsonBoundsProblem(parsed))
const whole = perFrameNs(() => parseInbound(frame))
console.log(`send frame of ${frame.length} bytes, median of 5 × ${n}:`)
console.log(`  JSON.parse            ${parse.toFixed(0)} ns`)
console.log(
  `  depth/size bound      ${bound.toFixed(0)} ns (${((bound / whole) * 100).toFixed(0)} % of the inbound parse)`,
)
console.log(`  relay inbound parse   ${whole.toFixed(0)} ns (parse + bound + shape check + event slice)`)
