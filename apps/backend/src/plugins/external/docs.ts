import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { DOCS_CSP } from '../app/security.js'

export type DocsOptions = { displayName: string; cookieName: string }

/** The OpenAPI document of the REST API (every route's zod schemas) and its browser at `/docs`. */
export default fp(
  async (app: FastifyInstance, { displayName, cookieName }: DocsOptions) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: `Portfolio Planner backend (${displayName})`,
          version: '1.0.0',
          description:
            'One user’s service: positions, trade ideas, friends, shares, comments, notifications.',
        },
        components: {
          securitySchemes: {
            apiToken: {
              type: 'http',
              scheme: 'bearer',
              description: 'BACKEND_API_TOKEN or the generated token file',
            },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: cookieName,
              description: 'Set by POST /auth/session',
            },
          },
        },
        security: [{ apiToken: [] }, { session: [] }],
      },
    })
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_CSP })
  },
  { name: 'docs', dependencies: ['security'] },
)
