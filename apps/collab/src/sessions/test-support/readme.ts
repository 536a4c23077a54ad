import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { COLLAB_DIR } from './relay-process.js'

/** The ```python block of the README's "Session rooms" section that contains `marker`, as written. */
export function readmePythonBlock(marker: string): string {
  const readme = readFileSync(join(COLLAB_DIR, 'README.md'), 'utf8')
  const start = readme.indexOf('## Session rooms')
  if (start < 0) throw new Error('README has no "Session rooms" section')
  const section = readme.slice(start)
  for (const match of section.matchAll(/```python\n([\s\S]*?)```/g)) {
    if (match[1]?.includes(marker)) return match[1]
  }
  throw new Error(`no python block with ${JSON.stringify(marker)} in the Session rooms section`)
}
