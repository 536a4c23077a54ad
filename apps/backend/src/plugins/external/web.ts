import { resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { errorBody } from '../../routes/error-body.js'

/**
 * The built web app (WEB_DIST), when this backend serves it: its files (the precompressed `.br`/`.gz`
 * copies the build writes, to a client that accepts them), and `index.html` for any other page path. Every unknown API path is a 404 `ErrorResponse`.
 */
export default fp(
  async (app: FastifyInstance, { webDist }: { webDist: string | undefined }) => {
    const root = webDist ? resolve(webDist) : null
    if (root) await app.register(fastifyStatic, { root, wildcard: false, preCompressed: true })
    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0] ?? ''
      if (root && req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/socket.io')) {
        return reply.sendFile('index.html')
      }
      return reply.code(404).send(errorBody(404, `Route ${req.method} ${path} not found`))
    })
  },
  { name: 'web' },
)
