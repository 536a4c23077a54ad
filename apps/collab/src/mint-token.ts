/** `30d`, `12h`, `15m`, `90s` or a number of seconds → seconds. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim())
  if (match === null) return undefined
  const n = Number(match[1])
  const unit = match[2] === 'd' ? 86_400 : match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1
  return n > 0 ? n * unit : undefined
}
