import { describe, expect, it } from 'vitest'
import { useSessionRelay } from './test-support/session-room.js'

const { join, open } = useSessionRelay()

describe('open session rooms (no token proves who anyone is)', () => {
  it('refuses a second connection claiming a connected user id, and the member keeps its place', async () => {
    const watcher = await join('open-takeover', 'watcher')
    const dana = await join('open-takeover', 'dana')
    const impostor = await open('open-takeover', 'dana')
    const refused = await impostor.closed
    expect(refused.code).toBe(1008)
    expect(refused.reason).toMatch(/already connected/)
    expect(impostor.ofType('connection:ack')).toEqual([])
    // The real member is still connected and still receives the room's messages.
    watcher.send({ type: 'item:add', id: 'y' })
    await dana.next((m) => m.type === 'item:add')
    expect(dana.closedWith).toBeUndefined()
    expect(watcher.ofType('user:left')).toEqual([])
  })

  it('lets the user back in once its connection is gone', async () => {
    const first = await join('open-rejoin', 'frank')
    await first.close()
    const again = await join('open-rejoin', 'frank')
    expect(again.messages[0]).toMatchObject({ type: 'connection:ack', user_id: 'frank' })
  })
})
