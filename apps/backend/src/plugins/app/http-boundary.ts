import { API_PREFIX, parseJsonBounded } from '@pp/contracts'
import { contextFrom, type Span, SpanKind, startSpan, tracingOn, withContext } from '@pp/telemetry'
import type { FastifyError, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { HttpError } from '../../domain/errors.js'
import { errorBody } from '../../routes/error-body.js'

/**
 * How every request is read and answered: JSON bodies parsed with bounds (each route checks its own
 * input with its zod schema, so Fastify's validator and serializer compilers are plain pass-throughs),
 * errors answered as `ErrorResponse` with the field that was wrong, and (when tracing is on) each API
 * request a server span continuing the browser's `traceparent`, active for the rest of the request so
 * the events it writes carry its trace.
 */
export default fp(
  async (app: FastifyInstance) => {
    app.setValidatorCompiler(() => (data) => ({ value: data }))
    app.setSerializerCompiler(() => (data) => JSON.stringify(data))
    app.removeContentTypeParser('application/json')
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8')
      if (text.trim() === '') return done(null, undefined)
      const parsed = parseJsonBounded(text)
      if (parsed.ok) done(null, parsed.value)
      else {
        const why = parsed.message === 'not valid JSON' ? 'is not valid JSON' : `is ${parsed.message}`
        done(new HttpError(400, `body: ${why}`, 'body'), undefined)
      }
    })

    const spans = new WeakMap<object, Span>()
    app.addHook('onRequest', (req, _reply, done) => {
      if (!tracingOn() || !req.url.startsWith(API_PREFIX)) return done()
      const header = req.headers.traceparent
      const { span, ctx } = startSpan(`${req.method} ${req.routeOptions.url ?? 'unmatched'}`, {
        kind: SpanKind.SERVER,
        parent: contextFrom(typeof header === 'string' ? header : undefined),
      })
      spans.set(req, span)
      withContext(ctx, done)
    })
    app.addHook('onResponse', async (req, reply) => {
      const span = spans.get(req)
      if (span !== undefined) {
        span.setAttribute('http.response.status_code', reply.statusCode)
        span.end()
      }
      req.log.debug({ method: req.method, url: req.url, status: reply.statusCode }, 'request')
    })

    app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
      if (err instanceof HttpError)
        return reply.code(err.statusCode).send(errorBody(err.statusCode, err.message, err.field))
      const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500
      if (status >= 500) req.log.error({ err }, 'request failed')
      // A body over the limit (1 MiB) cannot be read to find the field: it is the body.
      if (status === 413) return reply.code(413).send(errorBody(413, `body: ${err.message}`, 'body'))
      return reply.code(status).send(errorBody(status, status >= 500 ? 'Internal Server Error' : err.message))
    })
  },
  { name: 'http-boundary' },
)
