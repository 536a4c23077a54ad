import { EnvError, loadDotEnv } from '@pp/contracts'
import { startTracing } from '@pp/telemetry'
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
let closing = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return
    closing = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      flushLogs()
      process.exit(1)
    }, 5000)
    force.unref()
    app.close().then(
      async () => {
        await tracing?.shutdown().catch(() => {})
        flushLogs()
        process.exit(0)
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed')
        flushLogs()
        process.exit(1)
      },
    )
  })
}
try {
  await app.listen({ port: config.PORT, host: config.HOST })
} catch (err) {
  log.fatal({ err }, 'could not listen')
  flushLogs()
  process.exit(1)
}
