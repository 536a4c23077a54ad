import { describe, expect, it, vi } from 'vitest'
import { makeIdea } from '../test/fake-transport'
import { dispatch, SOCKET_OPTIONS } from './live-socket'
import type { LiveHandlers } from './types'

function handlers() {
  const upserted = vi.fn()
  const h = new Proxy({} as LiveHandlers, {
    get: (_t, name) => (name === 'idea:upserted' ? upserted : vi.fn()),
  })
  return { h, upserted }
}

describe('live events at the edge', () => {
  it('connects with credentials, so the handshake carries the session cookie', () => {
    expect(SOCKET_OPTIONS.withCredentials).toBe(true)
  })

  it('hands a valid event to its handler', () => {
    const { h, upserted } = handlers()
    const idea = makeIdea()
    dispatch(h, 'idea:upserted', idea, () => {})
    expect(upserted).toHaveBeenCalledWith(idea)
  })

  it('drops an event that does not match the contract and says why', () => {
    const { h, upserted } = handlers()
    const invalid: string[] = []
    dispatch(h, 'idea:upserted', { ...makeIdea(), status: 'Maybe' }, (event, message) =>
      invalid.push(`${event} ${message}`),
    )
    expect(upserted).not.toHaveBeenCalled()
    expect(invalid).toEqual([expect.stringMatching(/^idea:upserted status/)])
  })
})
