import compress from '@fastify/compress'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * Responses compressed (brotli or gzip, whichever the client accepts) when they are worth it: JSON from
 * the API and the web app's `index.html`. The bundle's assets are served precompressed by the web plugin
 * (the `.br`/`.gz` files the build writes), so they are not compressed again here.
 */
export default fp(
  async (app: FastifyInstance) => {
    await app.register(compress, { global: true, threshold: 512, encodings: ['br', 'gzip'] })
  },
  { name: 'compress' },
)
