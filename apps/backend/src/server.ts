import { EnvError, loadDotEnv, NOT_SHUTDOWN_EVENTS } from '@pp/contracts'
import { startTracing } from '@pp/telemetry'
import closeWithGrace from 'close-with-grace'
import { buildApp, flushLogs } from './app.js'
import { type Config, configFrom } from './config.js'

loadDotEnv()

/** A configuration problem (bad variable, wrong ENCRYPTION_KEY): its lines, exit 1, no stack. */
function exitOnEnvError(err: unknown): never {
  if (err instanceof EnvError) {
    for (const line of err.lines) process.stderr.write(`${line}\n`)
    flushLogs()
    process.exit(1)
  }
  throw err
}

let config: Config
try {
  config = configFrom(process.env)
} catch (err) {
  exitOnEnvError(err)
}

// OpenTelemetry: spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, nothing otherwise.
const tracing = startTracing({ service: 'backend', endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT })
const { app, log } = await buildApp(config).catch(exitOnEnvError)
// SIGTERM/SIGINT (only: other signals and crashes keep Node's defaults): close, exit 0; exit 1 when
// closing fails or takes over 5 s; a second signal meanwhile exits at once.
closeWithGrace(
  {
    delay: 5000,
    skip: [...NOT_SHUTDOWN_EVENTS],
    logger: { error: (msg: unknown) => log.error({ err: msg }, 'shutdown') },
    onTimeout: () => flushLogs(),
  },
  async ({ signal }) => {
    log.info({ signal }, 'shutting down')
    try {
      await app.close()
    } catch (err) {
      log.error({ err }, 'shutdown failed')
      flushLogs()
      process.exit(1)
    }
    await tracing?.shutdown().catch(() => {})
    flushLogs()
  },
)
try {
  await app.listen({ port: config.PORT, host: config.HOST })
} catch (err) {
  log.fatal({ err }, 'could not listen')
  flushLogs()
  process.exit(1)
}
