import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Logger } from 'pino'
import type { BrowserPolicy } from '../../auth/browser-policy.js'
import type { Authenticator } from '../../auth/credentials.js'
import type { Config } from '../../config.js'
import type { Db } from '../../db/client.js'
import type { Hub } from '../../hub.js'
import { attachLiveChannel } from '../../live/live-channel.js'
import metrics from './metrics.js'

export type HubOptions = {
  hub: Hub
  db: Db
  config: Config
  auth: Authenticator
  policy: BrowserPolicy
  log: Logger
}

/**
 * The hub's life with the app: the socket.io live channel on the same server, `/metrics`, the relay
 * link started when the app is ready; at close the browsers are let go first, then the hub stops (the
 * event being applied finishes) and the database closes.
 */
export default fp(
  async (app: FastifyInstance, { hub, db, config, auth, policy, log }: HubOptions) => {
    const io = attachLiveChannel(app.server, hub, { corsOrigins: config.CORS_ORIGINS, auth, policy }, log)
    await app.register(metrics, {
      hub,
      auth,
      metricsToken: config.metricsToken,
      collaboration: config.ENABLE_COLLABORATION,
      liveClients: () => io.of('/').sockets.size,
    })
    app.addHook('onReady', async () => hub.start())
    app.addHook('preClose', async () => {
      io.disconnectSockets(true)
      io.engine.close()
    })
    app.addHook('onClose', async () => {
      await hub.stop()
      await db.$disconnect()
    })
  },
  { name: 'hub', dependencies: ['security'] },
)
