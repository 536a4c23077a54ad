// Runs vite with the given arguments, dropping the `--` that `pnpm <script> -- --port 3000` passes on,
// so `pnpm --filter @pp/web dev -- --port 3000 --strictPort` and `... dev --port 3000` both work.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const bin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js')
const args = process.argv.slice(2).filter((a) => a !== '--')
const child = spawn(process.execPath, [bin, ...args], { stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
