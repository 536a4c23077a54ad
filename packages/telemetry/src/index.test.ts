import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base'
import { describe, expect, it } from 'vitest'
import {
  contextFrom,
  inSpan,
  SpanKind,
  startTracing,
  TRACEPARENT,
  traceparentOf,
  tracingOn,
} from './index.js'

describe('tracing', () => {
  it('does nothing until started: spans are no-ops and no traceparent goes out', () => {
    expect(startTracing({ service: 'test', endpoint: '' })).toBeNull()
    expect(tracingOn()).toBe(false)
    expect(inSpan('nothing', {}, () => traceparentOf())).toBeUndefined()
  })

  it('continues a browser’s traceparent across processes: one trace, each span the child of the last', async () => {
    const exporter = new InMemorySpanExporter()
    startTracing({ service: 'test', exporter })
    const browser = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'
    // Process 1 takes the browser's header and sends a frame with its own traceparent.
    const sent = await inSpan(
      'POST /comments',
      { kind: SpanKind.SERVER, parent: contextFrom(browser) },
      async () => inSpan('send comment_added', { kind: SpanKind.PRODUCER }, () => traceparentOf()),
    )
    expect(sent).toMatch(TRACEPARENT)
    // Process 2 receives the frame.
    await inSpan(
      'route comment_added',
      { kind: SpanKind.CONSUMER, parent: contextFrom(sent) },
      async () => {},
    )
    const spans = exporter.getFinishedSpans()
    expect(spans.map((s) => s.name)).toEqual(['send comment_added', 'POST /comments', 'route comment_added'])
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(
      new Set(['0af7651916cd43dd8448eb211c80319c']),
    )
    const byName = new Map(spans.map((s) => [s.name, s]))
    expect(byName.get('POST /comments')?.parentSpanContext?.spanId).toBe('b7ad6b7169203331')
    expect(byName.get('send comment_added')?.parentSpanContext?.spanId).toBe(
      byName.get('POST /comments')?.spanContext().spanId,
    )
    expect(byName.get('route comment_added')?.parentSpanContext?.spanId).toBe(
      byName.get('send comment_added')?.spanContext().spanId,
    )
  })

  it('ignores a malformed traceparent and starts a trace of its own', async () => {
    const tp = await inSpan('x', { parent: contextFrom('00-not-a-trace-01') }, async () => traceparentOf())
    expect(tp).toMatch(TRACEPARENT)
    expect(tp?.split('-')[1]).not.toBe('not')
  })
})
