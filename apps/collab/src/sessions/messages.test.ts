import { describe, expect, it } from 'vitest'
import { classify } from './messages.js'

describe('classify', () => {
  it('recognises ping, sync:state and broadcasts', () => {
    expect(classify('{"type":"ping"}')).toEqual({ kind: 'ping' })
    expect(classify('{"type":"sync:state","requester":"b","state":{"items":[]}}')).toEqual({
      kind: 'sync-state',
      requester: 'b',
      state: { items: [] },
    })
    expect(classify('{"type":"item:move","id":"a","x":1}')).toEqual({
      kind: 'broadcast',
      type: 'item:move',
      body: { type: 'item:move', id: 'a', x: 1 },
    })
  })

  it('names what is wrong with a message it cannot use', () => {
    expect(classify('{')).toMatchObject({ kind: 'error', code: 'invalid_json' })
    expect(classify('')).toMatchObject({ kind: 'error', code: 'invalid_json' })
    expect(classify('null')).toMatchObject({ kind: 'error', code: 'missing_type' })
    expect(classify('{"type":null}')).toMatchObject({ kind: 'error', code: 'missing_type' })
    expect(classify('{"type":""}')).toMatchObject({ kind: 'error', code: 'invalid_message' })
    expect(classify(JSON.stringify({ type: 'x'.repeat(129) }))).toMatchObject({
      kind: 'error',
      code: 'invalid_message',
    })
    expect(classify('{"type":"user:joined"}')).toMatchObject({ kind: 'error', code: 'invalid_message' })
    expect(classify('{"type":"sync:state","requester":"b"}')).toMatchObject({
      kind: 'error',
      code: 'invalid_message',
    })
  })
})
