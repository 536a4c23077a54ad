import { describe, expect, it } from 'vitest'
import type { SessionClient } from './test-support/session-client.js'
import { useSessionRelay } from './test-support/session-room.js'

const { join } = useSessionRelay()

describe('many sessions, many users', () => {
  it('delivers a message only inside its own session', async () => {
    const red = [await join('red', 'u1'), await join('red', 'u2')]
    const blue = [await join('blue', 'u1'), await join('blue', 'u3')]
    red[0]?.send({ type: 'item:add', color: 'red' })
    blue[0]?.send({ type: 'item:add', color: 'blue' })
    const inRed = await red[1]?.next((m) => m.type === 'item:add')
    const inBlue = await blue[1]?.next((m) => m.type === 'item:add')
    expect(inRed?.color).toBe('red')
    expect(inBlue?.color).toBe('blue')
    // A marker sent after them arrives after them: nothing else came.
    red[0]?.send({ type: 'marker' })
    blue[0]?.send({ type: 'marker' })
    await red[1]?.next((m) => m.type === 'marker')
    await blue[1]?.next((m) => m.type === 'marker')
    expect(red[1]?.ofType('item:add')).toHaveLength(1)
    expect(blue[1]?.ofType('item:add')).toHaveLength(1)
    // Presence is per session too: u3 joining blue was not announced in red.
    expect(red[0]?.ofType('user:joined').map((m) => m.user_id)).toEqual(['u2'])
  })

  it('fans out among eight users in one session while another session runs', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `member-${i + 1}`)
    const room: SessionClient[] = []
    for (const u of users) room.push(await join('crowd', u))
    const elsewhere = await join('quiet', 'loner')
    const last = room[room.length - 1]
    expect(last?.messages[0]).toMatchObject({ type: 'connection:ack', users })

    room.forEach((c, i) => {
      c.send({ type: 'item:add', id: `item-${i}` })
    })
    for (const [i, c] of room.entries()) {
      const got = await c.until('seven items', () => {
        const items = c.ofType('item:add')
        return items.length === 7 ? items : undefined
      })
      expect(got.map((m) => m.user_id).sort()).toEqual(users.filter((_, j) => j !== i).sort())
    }
    elsewhere.send({ type: 'ping' })
    await elsewhere.next((m) => m.type === 'pong')
    expect(elsewhere.ofType('item:add')).toEqual([])
  })

  it('keeps twenty sessions of three users apart', async () => {
    const rooms = await Promise.all(
      Array.from({ length: 20 }, async (_, r) => {
        const members: SessionClient[] = []
        for (const u of ['x', 'y', 'z']) members.push(await join(`many-${r}`, u))
        return members
      }),
    )
    rooms.forEach((members, r) => {
      members[0]?.send({ type: 'state:update', room: r })
    })
    for (const [r, members] of rooms.entries()) {
      for (const m of members.slice(1)) {
        const got = await m.next((msg) => msg.type === 'state:update')
        expect(got).toMatchObject({ room: r, user_id: 'x' })
      }
    }
    // One more message per room, then every member has seen exactly its own room's update.
    for (const members of rooms) members[0]?.send({ type: 'marker' })
    for (const [r, members] of rooms.entries()) {
      for (const m of members.slice(1)) {
        await m.next((msg) => msg.type === 'marker')
        expect(m.ofType('state:update').map((msg) => msg.room)).toEqual([r])
      }
    }
  })
})
