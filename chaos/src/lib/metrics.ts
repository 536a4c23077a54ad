/** Reads one sample value from Prometheus text, by metric name (first series, no labels needed). */
export function metric(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      const v = Number(line.slice(line.lastIndexOf(' ') + 1))
      if (Number.isFinite(v)) return v
    }
  }
  return undefined
}
