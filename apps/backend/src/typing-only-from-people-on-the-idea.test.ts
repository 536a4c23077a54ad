import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import {
  BACKEND_SOCKET_PATH,
  type EventFrame,
  PROTOCOL_VERSION,
  type ThreadActivity,
  type UserRef,
} from '@pp/contracts'
import { Sealer } from '@pp/contracts/sealing'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type WebSocket, WebSocketServer } from 'ws'
import { type Db, openDatabase } from './db/client.js'
import type { LiveEmit } from './domain/effects.js'
import { Hub } from './hub.js'
import { pinKeys, testKeys } from './test-support/ctx.js'
import { tempDir, testConfig, USER_A, USER_B, USER_C } from './test-support/temp.js'

/** Nobody A knows. */
const USER_D = { id: '00000000-0000-0000-0000-000000000004', displayName: 'User D' }
const MINE = '01900000-0000-7000-8000-00000000d001'
const CS = '01900000-0000-7000-8000-00000000d002'

/**
 * A's backend (a real Hub) behind a stand-in relay that sends it `typing` frames. A owns MINE, shared
 * with B; C owns CS, shared with A; D is a stranger.
 */
describe('a received typing reaches the browser only from the idea’s owner or a current sharee', () => {
  let cleanup: Array<() => Promise<void> | void> = []
  let db: Db
  let hub: Hub
  let relaySide: Promise<WebSocket>
  const typing: Array<Extract<LiveEmit, { name: 'typing' }>['payload']> = []

  beforeEach(async () => {
    const t = tempDir()
    cleanup.push(t.cleanup)
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: BACKEND_SOCKET_PATH })
    cleanup.push(() => new Promise<void>((done) => wss.close(() => done())))
    await new Promise<void>((ready) => wss.once('listening', () => ready()))
    relaySide = new Promise((connected) =>
      wss.once('connection', (ws) => {
        ws.send(
          JSON.stringify({ type: 'welcome', user: USER_A, protocol: PROTOCOL_VERSION, heartbeatMs: 25_000 }),
        )
        connected(ws)
      }),
    )
    const path = join(t.dir, 'a.db')
    ;({ db } = await openDatabase(path))
    cleanup.push(() => db.$disconnect())
    for (const u of [USER_B, USER_C]) {
      await db.friend.create({ data: { userId: u.id, displayName: u.displayName, status: 'accepted' } })
    }
    const idea = (id: string, owner: UserRef) => ({
      id,
      ownerId: owner.id,
      ownerName: owner.displayName,
      symbol: 'AAPL',
      strategy: 'Stock',
      status: 'Open',
      tags: '[]',
      version: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    await db.idea.create({ data: { ...idea(MINE, USER_A), shares: { create: { userId: USER_B.id } } } })
    await db.idea.create({ data: idea(CS, USER_C) })
    const port = (wss.address() as AddressInfo).port
    const config = testConfig(path, {
      ENABLE_COLLABORATION: 'true',
      COLLABORATION_SERVICE_URL: `http://127.0.0.1:${port}`,
      COLLAB_TOKEN: 'stand-in-relay-accepts-any-token',
    })
    for (const u of [USER_B, USER_C, USER_D]) await pinKeys(db, u.id)
    hub = new Hub(config, db, pino({ level: 'silent' }), testKeys(USER_A.id))
    await hub.loadNames()
    hub.attachLive({ emit: (e) => (e.name === 'typing' ? typing.push(e.payload) : undefined) })
    hub.start()
    cleanup.push(() => hub.stop())
  })

  afterEach(async () => {
    for (const c of cleanup.reverse()) await c()
    cleanup = []
    typing.length = 0
  })

  /** A typing event as its sender's backend seals it for A. */
  const typingFrame = (
    from: UserRef,
    ideaId: string,
    n: number,
    userId?: string,
    activity?: ThreadActivity,
  ): EventFrame => {
    const id = `01900000-0000-7000-8000-0000000e00${String(n).padStart(2, '0')}`
    const sealer = new Sealer(from.id, testKeys(from.id))
    const event = sealer.seal({ id: USER_A.id, keys: testKeys(USER_A.id).public }, id, {
      type: 'typing',
      ideaId,
      ...(userId === undefined ? {} : { userId }),
      ...(activity === undefined ? {} : { activity }),
    })
    return { type: 'event', id, from, event }
  }

  it('drops a stranger’s, a non-sharee friend’s and a co-sharee’s typing; shows the owner’s and a sharee’s', async () => {
    const ws = await relaySide
    const refused = [
      typingFrame(USER_D, CS, 1), // a stranger on an idea shared with me (the precedence slip let it through)
      typingFrame(USER_B, CS, 2), // someone on another idea of mine, not on C's
      typingFrame(USER_D, MINE, 3), // a stranger on my idea
      typingFrame(USER_C, MINE, 4), // a friend my idea is not shared with
      typingFrame(USER_D, '01900000-0000-7000-8000-00000000d0ff', 5), // an idea nobody here has
    ]
    const allowed = [typingFrame(USER_B, MINE, 6), typingFrame(USER_C, CS, 7)]
    // Received events are handled one at a time, in order: once the last allowed one is shown, every
    // refused one before it has been decided.
    for (const f of [...refused, ...allowed]) ws.send(JSON.stringify(f))
    await expect.poll(() => typing.length, { timeout: 10_000 }).toBe(allowed.length)
    expect(typing).toEqual([
      { ideaId: MINE, user: USER_B },
      { ideaId: CS, user: USER_C },
    ])
  })

  it('passes a sharee’s typing on to the other sharees of my idea, and takes a passed-on one only from the owner', async () => {
    const ws = await relaySide
    await db.share.create({ data: { ideaId: MINE, userId: USER_C.id } })
    const sent: Array<{ to: string[]; id: string; event: { type: string; sealed: string } }> = []
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { type: string } & (typeof sent)[number]
      if (f.type === 'send' && f.event.type === 'typing') sent.push(f)
    })
    ws.send(JSON.stringify(typingFrame(USER_B, MINE, 8)))
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(1)
    const passed = sent[0]
    expect(passed?.to).toEqual([USER_C.id])
    const opened = new Sealer(USER_C.id, testKeys(USER_C.id)).open(
      { id: USER_A.id, keys: testKeys(USER_A.id).public },
      passed?.id ?? '',
      passed?.event as { type: 'typing'; sealed: string },
    )
    expect(opened).toEqual({ ok: true, event: { type: 'typing', ideaId: MINE, userId: USER_B.id } })
    // On C's idea: B (not its owner) cannot pass on someone's typing; C, its owner, can.
    ws.send(JSON.stringify(typingFrame(USER_B, CS, 9, USER_D.id)))
    ws.send(JSON.stringify(typingFrame(USER_C, CS, 10, USER_B.id)))
    await expect.poll(() => typing.length, { timeout: 10_000 }).toBe(2)
    expect(typing).toEqual([
      { ideaId: MINE, user: USER_B },
      { ideaId: CS, user: USER_B },
    ])
  })
  it('passes on whether a sharee views or left the thread, with the same rules as typing', async () => {
    const ws = await relaySide
    await db.share.create({ data: { ideaId: MINE, userId: USER_C.id } })
    const sent: Array<{ to: string[]; id: string; event: { type: string; sealed: string } }> = []
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { type: string } & (typeof sent)[number]
      if (f.type === 'send' && f.event.type === 'typing') sent.push(f)
    })
    ws.send(JSON.stringify(typingFrame(USER_B, MINE, 11, undefined, 'viewing')))
    ws.send(JSON.stringify(typingFrame(USER_D, MINE, 12, undefined, 'viewing')))
    ws.send(JSON.stringify(typingFrame(USER_B, MINE, 13, undefined, 'left')))
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(2)
    expect(typing).toEqual([
      { ideaId: MINE, user: USER_B, activity: 'viewing' },
      { ideaId: MINE, user: USER_B, activity: 'left' },
    ])
    const c = new Sealer(USER_C.id, testKeys(USER_C.id))
    const opened = sent.map((f) =>
      c.open(
        { id: USER_A.id, keys: testKeys(USER_A.id).public },
        f.id,
        f.event as { type: 'typing'; sealed: string },
      ),
    )
    expect(opened).toEqual([
      { ok: true, event: { type: 'typing', ideaId: MINE, userId: USER_B.id, activity: 'viewing' } },
      { ok: true, event: { type: 'typing', ideaId: MINE, userId: USER_B.id, activity: 'left' } },
    ])
  })
})
