import { loadDotEnv, NOT_SHUTDOWN_EVENTS } from '@pp/contracts'
import { startTracing } from '@pp/telemetry'
import closeWithGrace from 'close-with-grace'
import { buildApp, createLogger, DRAIN_GRACE_MS } from './app.js'
import { loadConfigOrExit } from './config.js'
import { startupBanner } from './sessions/banner.js'

loadDotEnv()
const config = loadConfigOrExit(process.argv.slice(2), process.env)
// OpenTelemetry: spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, nothing otherwise.
const tracing = startTracing({ service: 'relay', endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT })
const { logger, flushSync } = createLogger(config)
const app = await buildApp(config, { logger })

if (config.usingDevSecret) {
  app.log.warn(
    'neither COLLAB_JWT_PUBLIC_KEY nor COLLAB_JWT_SECRET is set: verifying tokens with the public development secret (never do this in production)',
  )
}

/** Hard limit for a graceful stop: the process exits 0 within it whatever is still open. */
const SHUTDOWN_LIMIT_MS = 1900

// SIGINT/SIGTERM (only: other signals and crashes keep Node's defaults): drain, close, exit 0; a second
// signal meanwhile exits at once.
closeWithGrace(
  {
    delay: SHUTDOWN_LIMIT_MS,
    skip: [...NOT_SHUTDOWN_EVENTS],
    logger: { error: (msg: unknown) => app.log.error({ err: msg }, 'shutdown') },
    onTimeout: () => {
      app.log.warn('shutdown took too long; exiting')
      flushSync()
      process.exit(0)
    },
  },
  async ({ signal }) => {
    app.log.info({ signal }, 'shutting down')
    try {
      // Backends are drained while the rest of the app closes, so both fit in the limit.
      await Promise.all([app.backends.drain(DRAIN_GRACE_MS), app.close()])
    } catch (err) {
      app.log.error({ err }, 'error while closing')
    }
    app.log.info('stopped')
    await tracing?.shutdown().catch(() => {})
    flushSync()
  },
)

try {
  await app.listen({ port: config.PORT, host: config.HOST })
} catch (err) {
  app.log.fatal({ err }, 'could not listen')
  flushSync()
  process.exit(1)
}
const address = app.server.address()
process.stdout.write(
  startupBanner(config, typeof address === 'object' && address !== null ? address.port : config.PORT),
)
