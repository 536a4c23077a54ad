import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base'

export { type Context, type Span, SpanKind }

/** A W3C `traceparent`: version 00, 32 hex trace id, 16 hex parent id, 2 hex flags. */
export const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/

export type Tracing = { shutdown(): Promise<void>; forceFlush(): Promise<void> }

let active: Tracing | null = null

/**
 * Starts tracing for this process when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (OTLP over HTTP to
 * `<endpoint>/v1/traces`), or with the given exporter (tests); otherwise does nothing and every span
 * below is a no-op that costs next to nothing.
 */
export function startTracing(opts: {
  service: string
  endpoint?: string | undefined
  exporter?: SpanExporter
  /** How long spans are batched before export (default 1 s). */
  batchDelayMs?: number
}): Tracing | null {
  if (active !== null) return active
  const endpoint = opts.endpoint?.trim()
  if (!endpoint && opts.exporter === undefined) return null
  const processor = opts.exporter
    ? new SimpleSpanProcessor(opts.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint?.replace(/\/+$/, '')}/v1/traces` }), {
        scheduledDelayMillis: opts.batchDelayMs ?? 1000,
      })
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.service }),
    spanProcessors: [processor],
  })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(provider)
  active = {
    shutdown: () => provider.shutdown(),
    forceFlush: () => provider.forceFlush(),
  }
  return active
}

export function tracingOn(): boolean {
  return active !== null
}

const tracer = () => trace.getTracer('portfolio-planner')

/** The context a `traceparent` names (the root context for none or a malformed one). */
export function contextFrom(traceparent: string | undefined): Context {
  if (traceparent === undefined || !TRACEPARENT.test(traceparent)) return ROOT_CONTEXT
  return propagation.extract(ROOT_CONTEXT, { traceparent })
}

/** The `traceparent` of a context's span (the active one by default), if tracing is on and it has one. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  if (active === null) return undefined
  const carrier: { traceparent?: string } = {}
  propagation.inject(ctx, carrier)
  return carrier.traceparent
}

/**
 * Runs `fn` in a new span (child of `parent`, else of the active context), active inside `fn`; ends it
 * when `fn` settles, marking a thrown error.
 */
export function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; parent?: Context; attributes?: Attributes },
  fn: (span: Span) => T,
): T {
  if (active === null) return fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT))
  const parent = opts.parent ?? context.active()
  const span = tracer().startSpan(name, spanOptions(opts), parent)
  const end = (err?: unknown) => {
    if (err !== undefined) {
      span.recordException(err instanceof Error ? err : String(err))
      span.setStatus({ code: SpanStatusCode.ERROR })
    }
    span.end()
  }
  return context.with(trace.setSpan(parent, span), () => {
    try {
      const out = fn(span)
      if (out instanceof Promise) {
        return out.then(
          (v) => {
            end()
            return v
          },
          (err: unknown) => {
            end(err)
            throw err
          },
        ) as T
      }
      end()
      return out
    } catch (err) {
      end(err)
      throw err
    }
  })
}

/** Starts a span the caller ends (for spans that outlive a callback, such as an HTTP request). */
export function startSpan(
  name: string,
  opts: { kind?: SpanKind; parent?: Context; attributes?: Attributes },
): {
  span: Span
  ctx: Context
} {
  const parent = opts.parent ?? context.active()
  const span = tracer().startSpan(name, spanOptions(opts), parent)
  return { span, ctx: trace.setSpan(parent, span) }
}

/** Runs `fn` with `ctx` active. */
export function withContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn)
}

export function activeContext(): Context {
  return context.active()
}

function spanOptions(opts: { kind?: SpanKind; attributes?: Attributes }) {
  return { kind: opts.kind ?? SpanKind.INTERNAL, ...(opts.attributes ? { attributes: opts.attributes } : {}) }
}

/** Whether a span is active here (a traced request or event), so a child span belongs to a trace. */
export function inTrace(): boolean {
  return active !== null && trace.getSpan(context.active()) !== undefined
}

export { LineBudget, type LineBudgetOptions, type SummaryLog } from './line-budget.js'
export { collectStandardMetrics, TOTAL_NAMED_GAUGES } from './standard-metrics.js'
