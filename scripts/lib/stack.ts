import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { baseEnv } from './child-env.js'
import { befriendAll, signInLink } from './friends.js'
import { Issuer } from './jwt.js'
import type { LauncherOptions } from './options.js'
import { isPortFree } from './ports.js'
import { type ExitListener, Service, type ServiceSpec } from './service.js'
import { leftoverPids, type StackState, type StackUser, writeStateFile } from './stack-state.js'
import { userSpecs } from './users.js'

export type { StackState, StackUser } from './stack-state.js'

export class Stack {
  readonly relay: Service
  readonly users: StackUser[]
  readonly relayUrl: string
  readonly issuer: Issuer
  status: StackState['status'] = 'starting'
  controlUrl: string | null = null

  constructor(
    readonly root: string,
    readonly opts: LauncherOptions,
    onExit: ExitListener,
  ) {
    mkdirSync(opts.logDir, { recursive: true })
    mkdirSync(opts.dataDir, { recursive: true })
    this.issuer = new Issuer(join(opts.dataDir, 'relay-key.pem'), join(opts.dataDir, 'relay-key.pem.pub'))
    const mode = opts.prod ? 'production' : 'development'
    const tsx = resolve(root, 'node_modules/.bin/tsx')
    this.relayUrl = `http://localhost:${opts.relayPort}`
    const relayEnv = {
      ...baseEnv(),
      NODE_ENV: mode,
      // The relay verifies with the public key; the private key stays in the launcher's data folder.
      COLLAB_JWT_PUBLIC_KEY: this.issuer.publicFile,
      PORT: String(opts.relayPort),
    }
    this.relay = new Service(
      {
        name: 'relay',
        ...(opts.prod
          ? { command: process.execPath, args: ['dist/server.js', '--port', String(opts.relayPort)] }
          : { command: tsx, args: ['watch', 'src/server.ts', '--port', String(opts.relayPort)] }),
        cwd: resolve(root, 'apps/collab'),
        env: relayEnv,
        logFile: join(opts.logDir, 'collab-service.log'),
        port: opts.relayPort,
        readyUrl: `${this.relayUrl}/health`,
      },
      onExit,
    )
    const webDist = this.webDist()
    this.users = userSpecs(opts.users).map((u, i) => {
      const backendPort = opts.backendPort + i
      const backendUrl = `http://localhost:${backendPort}`
      const webPort = opts.webPort + i
      const webUrl = opts.web ? `http://localhost:${webPort}` : null
      const apiUrl = `${backendUrl}/api/v1`
      const db = join(opts.dataDir, `portfolio_user_${u.key}.db`)
      const tokenFile = join(opts.dataDir, `collab-token-${u.key}`)
      this.issuer.writeBackendToken(tokenFile, u.id, u.displayName)
      const origins = [
        `http://localhost:${webPort}`,
        `http://127.0.0.1:${webPort}`,
        ...(opts.prod ? [backendUrl, `http://127.0.0.1:${backendPort}`] : []),
      ]
      const backendSpec: ServiceSpec = {
        name: `backend-${u.key}`,
        ...(opts.prod
          ? { command: process.execPath, args: ['dist/server.js'] }
          : { command: tsx, args: ['watch', 'src/server.ts'] }),
        cwd: resolve(root, 'apps/backend'),
        env: {
          ...baseEnv(),
          NODE_ENV: mode,
          PORT: String(backendPort),
          DATABASE_URL: `file:${db}`,
          CORS_ORIGINS: origins.join(','),
          USE_MOCK_SCHWAB_DATA: 'true',
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
          ENABLE_COLLABORATION: 'true',
          COLLABORATION_SERVICE_URL: this.relayUrl,
          BACKEND_USER_ID: u.id,
          BACKEND_URL: backendUrl,
          BACKEND_DISPLAY_NAME: u.displayName,
          ...(webUrl === null ? {} : { BACKEND_WEB_URL: webUrl }),
          // Its own token only, in a 0600 file minted afresh at every start (never in its environment).
          COLLAB_TOKEN_FILE: tokenFile,
          ...(opts.prod && opts.web ? { WEB_DIST: webDist } : {}),
        },
        logFile: join(opts.logDir, `backend-${u.key}.log`),
        port: backendPort,
        readyUrl: `${backendUrl}/health`,
      }
      // The web app on its own port: the Vite dev server, or with --prod `vite preview` of the built bundle,
      // which passes /api and /socket.io through to the backend (apps/web/vite.config.ts).
      const web = !opts.web
        ? undefined
        : new Service(
            {
              name: `web-${u.key}`,
              command: resolve(root, 'apps/web/node_modules/.bin/vite'),
              args: [
                ...(opts.prod ? ['preview', '--outDir', webDist] : []),
                '--port',
                String(webPort),
                '--strictPort',
              ],
              cwd: resolve(root, 'apps/web'),
              env: { ...baseEnv(), VITE_API_URL: apiUrl },
              logFile: join(opts.logDir, `frontend-${u.key}.log`),
              port: webPort,
              readyUrl: `http://localhost:${webPort}/`,
            },
            onExit,
          )
      return {
        ...u,
        backendUrl,
        apiUrl,
        webUrl,
        db,
        backend: new Service(backendSpec, onExit),
        web,
        apiToken: '',
        signInUrl: null,
      }
    })
  }

  /** The folder the backends serve with --prod. */
  webDist(): string {
    return this.opts.copyWebDist ? join(this.opts.dataDir, 'web-dist') : resolve(this.root, 'apps/web/dist')
  }

  /** With --copy-web-dist, snapshots the built web app into the data folder. */
  copyWebDist(): void {
    if (!this.opts.prod || !this.opts.web || !this.opts.copyWebDist) return
    const from = resolve(this.root, 'apps/web/dist')
    for (let attempt = 1; ; attempt++) {
      rmSync(this.webDist(), { recursive: true, force: true })
      cpSync(from, this.webDist(), { recursive: true })
      if (completeBundle(this.webDist())) return
      // Caught a rebuild half-way: copy again once it has finished.
      if (attempt === 20) throw new Error(`apps/web/dist is incomplete (index.html names missing assets)`)
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500)
    }
  }

  services(): Service[] {
    return [this.relay, ...this.users.flatMap((u) => (u.web ? [u.backend, u.web] : [u.backend]))]
  }

  /** Every port this stack needs must be free: throws naming the service that cannot have its port. */
  async checkPorts(): Promise<void> {
    const leftovers = leftoverPids(this.opts.stateFile)
    const busy: string[] = []
    for (const s of this.services()) {
      if (!(await isPortFree(s.spec.port))) {
        const pid = leftovers.get(s.spec.name)
        busy.push(
          pid !== undefined
            ? `${s.spec.name}: port ${s.spec.port} is still held by pid ${pid}, left running by an earlier launcher that did not stop (stop it with \`kill -- -${pid}\`)`
            : `${s.spec.name}: port ${s.spec.port} is already in use by another process (see \`lsof -i :${s.spec.port}\`, or pick other ports with --port-offset)`,
        )
      }
    }
    if (busy.length > 0) throw new Error(busy.join('\n'))
  }

  removeDatabases(): void {
    for (const u of this.users) {
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${u.db}${suffix}`, { force: true })
    }
  }

  async startRelay(truncateLog: boolean): Promise<void> {
    if (!(await isPortFree(this.opts.relayPort))) {
      throw new Error(`relay: port ${this.opts.relayPort} is already in use by another process`)
    }
    this.relay.start(truncateLog)
    await this.relay.waitReady(this.opts.prod ? 30_000 : 60_000)
  }

  async stopRelay(): Promise<void> {
    await this.relay.stop()
  }

  async startAll(log: (line: string) => void): Promise<void> {
    await this.startRelay(true)
    log(`relay is up at ${this.relayUrl}`)
    for (const u of this.users) u.backend.start(true)
    await Promise.all(this.users.map((u) => u.backend.waitReady(this.opts.prod ? 60_000 : 120_000)))
    log(`${this.users.length} backends are up`)
    // Each backend wrote its API token beside its database at first start (0600); the launcher reads it.
    for (const u of this.users) u.apiToken = readFileSync(apiTokenFile(u.db), 'utf8').trim()
    for (const u of this.users) u.web?.start(true)
    await Promise.all(this.users.map((u) => u.web?.waitReady(120_000)))
    if (this.users.some((u) => u.web))
      log(`${this.users.length} web ${this.opts.prod ? 'previews' : 'dev servers'} are up`)
    await this.waitAllOnline(30_000)
    const { made } = await befriendAll(this.users)
    log(made > 0 ? `made ${made} friendship${made === 1 ? '' : 's'}` : 'all users are already friends')
    for (const u of this.users) u.signInUrl = u.webUrl ? await signInLink(u, u.webUrl) : null
  }

  /** Until every backend says its relay link is up and the relay lists every user. */
  async waitAllOnline(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const online = await this.onlineAtRelay().catch(() => [] as string[])
      if (this.users.every((u) => online.includes(u.id))) return
      if (Date.now() > deadline) {
        const missing = this.users.filter((u) => !online.includes(u.id)).map((u) => `backend-${u.key}`)
        throw new Error(`${missing.join(', ')} did not connect to the relay within ${timeoutMs / 1000} s`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  async onlineAtRelay(): Promise<string[]> {
    const res = await fetch(`${this.relayUrl}/api/users/online`, { signal: AbortSignal.timeout(2000) })
    const rows = (await res.json()) as Array<{ id: string }>
    return rows.map((r) => r.id)
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.services().map((s) => s.stop()))
  }

  state(): StackState {
    return {
      status: this.status,
      mode: this.opts.prod ? 'prod' : 'dev',
      launcherPid: process.pid,
      controlUrl: this.controlUrl,
      relay: {
        url: this.relayUrl,
        port: this.opts.relayPort,
        pid: this.relay.running ? (this.relay.pid ?? null) : null,
        running: this.relay.running,
        log: this.relay.spec.logFile,
      },
      users: this.users.map((u) => ({
        key: u.key,
        id: u.id,
        displayName: u.displayName,
        backendUrl: u.backendUrl,
        apiUrl: u.apiUrl,
        webUrl: u.webUrl,
        db: u.db,
        backendPid: u.backend.running ? (u.backend.pid ?? null) : null,
        webPid: u.web?.running ? (u.web.pid ?? null) : null,
        backendLog: u.backend.spec.logFile,
        webLog: u.web?.spec.logFile ?? null,
        signInUrl: u.signInUrl,
        apiToken: u.apiToken === '' ? null : u.apiToken,
      })),
    }
  }

  writeState(): void {
    writeStateFile(this.opts.stateFile, this.state())
  }

  /** Files a start needs, by mode; names what to run when one is missing. */
  missingBuildOutputs(): string[] {
    const need = this.opts.prod
      ? [
          'apps/collab/dist/server.js',
          'apps/backend/dist/server.js',
          ...(this.opts.web ? ['apps/web/dist/index.html'] : []),
        ]
      : ['packages/contracts/dist/index.js']
    return need.filter((p) => !existsSync(resolve(this.root, p)))
  }
}

/** True when index.html exists and every asset it names is there. */
function completeBundle(dir: string): boolean {
  const index = join(dir, 'index.html')
  if (!existsSync(index)) return false
  const assets = [...readFileSync(index, 'utf8').matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map(
    (m) => m[1] ?? '',
  )
  return assets.every((a) => existsSync(join(dir, a)))
}

/** Where a backend keeps its generated API token: beside its database (`portfolio_user_a.api-token`). */
function apiTokenFile(db: string): string {
  return `${db.replace(/\.db$/, '')}.api-token`
}
