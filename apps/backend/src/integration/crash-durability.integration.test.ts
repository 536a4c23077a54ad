import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rest } from '../test-support/clients.js'
import { type Proc, spawnBackend, stopAll, waitFor } from '../test-support/processes.js'
import { tempDir, USER_A } from '../test-support/temp.js'
import type { Comment, Idea } from './helpers.js'

describe('a backend killed (SIGKILL) mid-write', () => {
  const t = tempDir()
  let a: Proc & { api: string; token: string }

  beforeAll(async () => {
    a = await spawnBackend({
      user: USER_A,
      dir: t.dir,
      name: 'a',
      relayUrls: ['http://127.0.0.1:9'],
      env: { ENABLE_COLLABORATION: 'false' },
    })
  })
  afterAll(async () => {
    await stopAll()
    await a?.stop()
    t.cleanup()
  })

  it('keeps every write it answered with a 2xx', async () => {
    const A = rest(a.api, a.token)
    const ideas: Idea[] = []
    for (const symbol of ['AAPL', 'MSFT'])
      ideas.push(await A.ok<Idea>('POST', '/ideas', { symbol, strategy: 'Stock', status: 'Open' }))
    const acknowledged: Array<{ ideaId: string; id: string }> = []
    let stop = false
    const writer = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const idea = ideas[(n + i) % ideas.length]
        if (!idea) continue
        try {
          const r = await A.call('POST', `/ideas/${idea.id}/comments`, { body: `w${n} ${i}` })
          if (r.status === 201) acknowledged.push({ ideaId: idea.id, id: (r.body as Comment).id })
        } catch {
          return
        }
      }
    }
    const writers = [writer(0), writer(1), writer(2)]
    await waitFor(() => acknowledged.length >= 30, '30 acknowledged comments')
    await a.kill()
    stop = true
    await Promise.all(writers)
    await a.start()
    for (const idea of ideas) {
      const list = await A.get<Comment[]>(`/ideas/${idea.id}/comments`)
      const ids = new Set(list.map((c) => c.id))
      const mine = acknowledged.filter((w) => w.ideaId === idea.id)
      expect(mine.filter((w) => !ids.has(w.id))).toEqual([])
    }
  })
})
