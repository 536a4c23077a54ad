/** PromQL words that are not metric names: operators, modifiers, aggregations and functions (these are
 * followed by `(` anyway) and the names Prometheus makes itself. */
const NOT_METRICS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
])
/** Series Prometheus writes itself for every target. */
export const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped'])

/**
 * The metric names a PromQL expression reads: label matchers, strings, ranges and the label lists of
 * `by (…)`/`on (…)` dropped, then every identifier not followed by `(` (a function) and not a keyword.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names = new Set<string>()
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)) {
    const word = m[1] as string
    if (m[2] !== undefined || NOT_METRICS.has(word.toLowerCase())) continue
    names.add(word)
  }
  return [...names]
}

/**
 * The metric families of a text exposition (`# TYPE name kind`), with the series names each one
 * answers to: a histogram's `_bucket`, `_sum` and `_count`, a summary's `_sum` and `_count`.
 */
export function exposedNames(text: string): Set<string> {
  const out = new Set<string>()
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, kind] = m as unknown as [string, string, string]
    out.add(name)
    if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(`${name}${s}`)
    if (kind === 'summary') for (const s of ['_sum', '_count']) out.add(`${name}${s}`)
  }
  return out
}
