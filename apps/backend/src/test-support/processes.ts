import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, relayToken, until } from '@pp/test-kit'
import { testDatabaseEnv } from './database.js'
import type { TestTls } from './tls.js'

const here = dirname(fileURLToPath(import.meta.url))
export const BACKEND_SERVER = join(here, '..', '..', 'dist', 'server.js')
export const RELAY_SERVER = join(here, '..', '..', '..', 'collab', 'dist', 'server.js')
export const TEST_SECRET = 'integration-test-secret-0123456789'

export { freePort }

/** Waits until `check` gives a value other than undefined/false (the test kit's `until`, on `vi.waitFor`). */
export function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 45_000,
): Promise<T> {
  return until(what, check, { timeoutMs })
}

async function healthy(url: string, ca?: string): Promise<boolean> {
  if (url.startsWith('https:')) {
    // Global fetch cannot trust a test CA: node:https with `ca`.
    return new Promise((resolve) => {
      const req = httpsRequest(`${url}/health`, { ca, timeout: 1000 }, (res) => {
        res.resume()
        resolve(res.statusCode === 200)
      })
      req.on('timeout', () => req.destroy())
      req.on('error', () => resolve(false))
      req.end()
    })
  }
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
    return res.ok
  } catch {
    return false
  }
}

/** Every process a test started, so a failed setup still cleans up (see stopAll). */
const started = new Set<Proc>()

/** Stops every process started by this test file that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((p) => p.stop()))
}

export class Proc {
  private child: ChildProcess | null = null
  constructor(
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly cwd: string,
    private readonly logFile: string,
    readonly url: string,
    /** CA (PEM) trusted for an https:// url's health check. */
    private readonly ca?: string,
  ) {}

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null
  }

  async start(): Promise<void> {
    const out = createWriteStream(this.logFile, { flags: 'a' })
    const child = spawn(process.execPath, this.args, {
      cwd: this.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.pipe(out)
    child.stderr?.pipe(out)
    this.child = child
    started.add(this)
    await waitFor(async () => {
      if (!this.running) throw new Error(`process exited (see ${this.logFile})`)
      return healthy(this.url, this.ca)
    }, `${this.url}/health`)
  }

  /** SIGTERM and wait for the exit; `kill` = SIGKILL (a crash). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child
    if (child === null || !this.running) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill(signal)
    await exited
    this.child = null
  }

  kill(): Promise<void> {
    return this.stop('SIGKILL')
  }
}

export type BackendUser = { id: string; displayName: string }

export async function spawnBackend(opts: {
  user: BackendUser
  dir: string
  name: string
  relayUrls: string[]
  port?: number
  env?: Record<string, string>
  /** Serve HTTPS with this certificate and trust its CA for wss:// relays (COLLAB_CA_FILE). */
  tls?: TestTls
}): Promise<Proc & { port: number; api: string; token: string }> {
  const port = opts.port ?? (await freePort())
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`
  const tlsEnv: Record<string, string> = opts.tls
    ? { TLS_CERT_FILE: opts.tls.certFile, TLS_KEY_FILE: opts.tls.keyFile, COLLAB_CA_FILE: opts.tls.caFile }
    : {}
  // The API token REST and socket.io clients sign in with (opts.env may set another, or '' for the file).
  const token = randomBytes(24).toString('base64url')
  const proc = new Proc(
    [BACKEND_SERVER],
    {
      ...testDatabaseEnv(join(opts.dir, `${opts.name}.db`)),
      PORT: String(port),
      HOST: '127.0.0.1',
      BACKEND_USER_ID: opts.user.id,
      BACKEND_DISPLAY_NAME: opts.user.displayName,
      BACKEND_URL: url,
      COLLABORATION_SERVICE_URL: opts.relayUrls.join(','),
      ENABLE_COLLABORATION: 'true',
      COLLAB_TOKEN: await relayToken(opts.user, { secret: TEST_SECRET }),
      USE_MOCK_SCHWAB_DATA: 'true',
      LOG_LEVEL: 'info',
      BACKEND_API_TOKEN: token,
      ...tlsEnv,
      ...opts.env,
    },
    opts.dir,
    join(opts.dir, `${opts.name}.log`),
    url,
    opts.tls?.ca,
  )
  await proc.start()
  return Object.assign(proc, { port, api: `${url}/api/v1`, token: opts.env?.BACKEND_API_TOKEN ?? token })
}

export function relayAvailable(): boolean {
  return existsSync(RELAY_SERVER)
}

export async function spawnRelay(
  dir: string,
  name = 'relay',
  port?: number,
  /** Serve HTTPS/WSS with this certificate (TLS_CERT_FILE, TLS_KEY_FILE). */
  tls?: TestTls,
  env: Record<string, string> = {},
): Promise<Proc & { port: number }> {
  const p = port ?? (await freePort())
  const proc = new Proc(
    [RELAY_SERVER, '--port', String(p), '--host', '127.0.0.1'],
    {
      COLLAB_JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: 'info',
      ...(tls ? { TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile } : {}),
      ...env,
    },
    dir,
    join(dir, `${name}.log`),
    `${tls ? 'https' : 'http'}://127.0.0.1:${p}`,
    tls?.ca,
  )
  await proc.start()
  return Object.assign(proc, { port: p })
}
