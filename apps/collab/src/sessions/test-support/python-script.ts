import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { COLLAB_DIR } from './relay-process.js'

export const TEST_CLIENTS_DIR = join(COLLAB_DIR, 'test-clients')
/** Debian's interpreter: it sees python3-websockets and python3-pyqt6.qtwebsockets. */
export const DEBIAN_PYTHON = '/usr/bin/python3'

export type ScriptLine = Record<string, unknown>

export type PythonScript = {
  /** JSON lines printed so far. */
  lines: ScriptLine[]
  output: () => string
  /** Resolves with the exit code once the script ends. */
  exited: Promise<number | null>
  /** Resolves with the first JSON line that matches. */
  line: (match: (l: ScriptLine) => boolean) => Promise<ScriptLine>
  /** The line with `ok` (the result), once the script has ended. */
  result: () => Promise<ScriptLine>
  kill: () => void
}

const running = new Set<ChildProcess>()

/** Runs a script from test-clients/ under Debian's python3, headless (QT_QPA_PLATFORM=offscreen). */
export function runPython(script: string, args: string[]): PythonScript {
  const child = spawn(DEBIAN_PYTHON, [script, ...args], {
    cwd: TEST_CLIENTS_DIR,
    env: {
      ...process.env,
      QT_QPA_PLATFORM: 'offscreen',
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  const lines: ScriptLine[] = []
  const waiters: Array<() => void> = []
  let out = ''
  let err = ''
  let partial = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
    partial += d.toString()
    const parts = partial.split('\n')
    partial = parts.pop() ?? ''
    for (const part of parts) {
      try {
        const parsed: unknown = JSON.parse(part)
        if (typeof parsed === 'object' && parsed !== null) lines.push(parsed as ScriptLine)
      } catch {
        // not a JSON line
      }
    }
    for (const w of [...waiters]) w()
  })
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child)
      resolve(code)
      for (const w of [...waiters]) w()
    }),
  )
  let ended = false
  void exited.then(() => {
    ended = true
  })
  const output = () => `stdout:\n${out}\nstderr:\n${err}`
  return {
    lines,
    output,
    exited,
    line: (match) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match)
          if (found !== undefined) {
            resolve(found)
            return true
          }
          if (ended) reject(new Error(`script ended without the expected line\n${output()}`))
          return ended
        }
        if (!check()) waiters.push(check)
      }),
    result: async () => {
      await exited
      const found = lines.find((l) => 'ok' in l)
      if (found === undefined) throw new Error(`script printed no result line\n${output()}`)
      return found
    },
    kill: () => {
      if (!ended) child.kill('SIGKILL')
    },
  }
}

/** Kills every script still running (for afterEach/afterAll). */
export function killPythonScripts(): void {
  for (const child of running) child.kill('SIGKILL')
}
