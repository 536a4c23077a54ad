import { parseWith, toJsonSchema } from '@pp/contracts'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { HttpError } from '../domain/errors.js'

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined

export type RouteDef<B extends z.ZodType | undefined, P extends z.ZodType | undefined> = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  summary: string
  tags: string[]
  body?: B
  params?: P
  /** Success status (default 200) and the answer's schema (omitted for 204). */
  status?: number
  response?: z.ZodType
  /** Answers without sign-in (the health check, the sign-in exchange); every other route needs it. */
  public?: boolean
  handler: (
    input: { body: Infer<B>; params: Infer<P> },
    http: { req: FastifyRequest; reply: FastifyReply },
  ) => Promise<unknown>
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = toJsonSchema(schema, io)
  return rest
}

function parseOr400<S extends z.ZodType>(schema: S, value: unknown, part: 'body' | 'params'): z.infer<S> {
  const r = parseWith(schema, value)
  if (r.ok) return r.value
  const field = r.path === '' ? part : r.path
  throw new HttpError(400, r.path === '' ? `${part}: ${r.message}` : r.message, field)
}

const errorSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
  required: ['statusCode', 'error', 'message'],
}

/**
 * Registers a route whose input is validated by the contract's zod schemas (400 naming the field) and
 * whose OpenAPI description is generated from the same schemas.
 */
export function defineRoute<B extends z.ZodType | undefined, P extends z.ZodType | undefined>(
  app: FastifyInstance,
  def: RouteDef<B, P>,
): void {
  const status = def.status ?? 200
  app.route({
    method: def.method,
    url: def.url,
    config: { public: def.public === true },
    // The JSON schemas are the document; the contract's zod schemas are the check (one check, its 400
    // naming the field): Fastify's own validation of them is off.
    validatorCompiler: () => (value) => ({ value }),
    schema: {
      summary: def.summary,
      tags: def.tags,
      ...(def.public === true ? { security: [] } : {}),
      ...(def.body ? { body: jsonSchema(def.body, 'input') } : {}),
      ...(def.params ? { params: jsonSchema(def.params, 'input') } : {}),
      response: {
        [status]: def.response
          ? jsonSchema(def.response, 'output')
          : { type: 'null', description: 'No content' },
        '4XX': errorSchema,
      },
    },
    handler: async (req, reply) => {
      const params = (def.params ? parseOr400(def.params, req.params, 'params') : undefined) as Infer<P>
      const body = (def.body ? parseOr400(def.body, req.body, 'body') : undefined) as Infer<B>
      const out = await def.handler({ body, params }, { req, reply })
      reply.code(status)
      return status === 204 ? reply.send() : out
    },
  })
}
