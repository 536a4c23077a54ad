import websocket from '@fastify/websocket'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { RelayConfig } from '../../config.js'

/** `@fastify/websocket` for the session rooms: text frames up to MAX_PAYLOAD_BYTES, no compression. */
export default fp(
  async (app: FastifyInstance, { config }: { config: RelayConfig }) => {
    await app.register(websocket, {
      options: { maxPayload: config.MAX_PAYLOAD_BYTES, perMessageDeflate: false, clientTracking: false },
    })
  },
  { name: 'websocket' },
)
