import { describe, expect, it } from 'vitest'
import { parseWith } from './parse.js'
import { CreateCommentBody, CreateIdeaBody, PatchIdeaBody, PutSharesBody } from './rest.js'

describe('REST bodies', () => {
  it('upper-cases and trims a symbol', () => {
    const r = parseWith(CreateIdeaBody, { symbol: ' aapl ', strategy: 'Covered Call', status: 'Planned' })
    expect(r).toMatchObject({ ok: true, value: { symbol: 'AAPL' } })
  })

  it('names the wrong field', () => {
    const cases: [unknown, string][] = [
      [{ symbol: '', strategy: 'Covered Call', status: 'Planned' }, 'symbol'],
      [{ symbol: 'AAPL', strategy: 'Yolo', status: 'Planned' }, 'strategy'],
      [{ symbol: 'AAPL', strategy: 'Stock', status: 'Done' }, 'status'],
      [{ symbol: 'AAPL', strategy: 'Stock', status: 'Open', tags: [''] }, 'tags.0'],
    ]
    for (const [body, path] of cases)
      expect(parseWith(CreateIdeaBody, body)).toMatchObject({ ok: false, path })
  })

  it('refuses an empty patch and unknown fields', () => {
    expect(parseWith(PatchIdeaBody, {}).ok).toBe(false)
    expect(parseWith(PatchIdeaBody, { symbol: 'MSFT' }).ok).toBe(false)
    expect(parseWith(PatchIdeaBody, { status: 'Watching' }).ok).toBe(true)
  })

  it('accepts the empty share set that revokes all, refuses non-ids', () => {
    expect(parseWith(PutSharesBody, { userIds: [] }).ok).toBe(true)
    expect(parseWith(PutSharesBody, { userIds: ['bob'] })).toMatchObject({ ok: false, path: 'userIds.0' })
  })

  it('refuses a blank comment', () => {
    expect(parseWith(CreateCommentBody, { body: '   ' })).toMatchObject({ ok: false, path: 'body' })
  })
})
