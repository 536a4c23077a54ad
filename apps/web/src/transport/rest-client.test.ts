import { describe, expect, it } from 'vitest'
import { USER_A } from '../test/fake-transport'
import { createRestApi } from './rest-client'
import { ApiError } from './types'

type Seen = { url: string; method: string; body: string | null; credentials?: RequestCredentials | undefined }

function fakeFetch(status: number, answer: unknown, seen: Seen[]): typeof fetch {
  return async (input, init) => {
    seen.push({
      url: String(input),
      method: init?.method ?? 'GET',
      body: (init?.body as string | undefined) ?? null,
      ...(init?.credentials === undefined ? {} : { credentials: init.credentials }),
    })
    return new Response(answer === undefined ? null : JSON.stringify(answer), {
      status,
      headers: { 'content-type': 'application/json' },
    })
  }
}

describe('REST client', () => {
  it('calls the routes under the base URL with JSON bodies', async () => {
    const seen: Seen[] = []
    const api = createRestApi(
      'http://localhost:8001/api/v1',
      fakeFetch(200, { userIds: [], added: [], removed: [] }, seen),
    )
    await api.putShares('idea 1', [])
    expect(seen).toEqual([
      {
        url: 'http://localhost:8001/api/v1/ideas/idea%201/shares',
        method: 'PUT',
        body: '{"userIds":[]}',
        // The session cookie goes along, also to a backend on another port.
        credentials: 'include',
      },
    ])
  })

  it('parses answers with the contract', async () => {
    const me = { ...USER_A, fingerprint: '1111 AAAA 2222 BBBB 3333' }
    const api = createRestApi('http://x/api/v1', fakeFetch(200, me, []))
    expect(await api.me()).toEqual(me)
    const bad = createRestApi('http://x/api/v1', fakeFetch(200, { id: 'nope' }, []))
    await expect(bad.me()).rejects.toBeInstanceOf(ApiError)
  })

  it('turns an error answer into an ApiError naming the field', async () => {
    const api = createRestApi(
      'http://x/api/v1',
      fakeFetch(
        400,
        { statusCode: 400, error: 'Bad Request', message: 'symbol: must be a ticker', field: 'symbol' },
        [],
      ),
    )
    const err = await api
      .createIdea({ symbol: 'A', strategy: 'Stock', status: 'Planned' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 400, field: 'symbol', message: 'symbol: must be a ticker' })
  })

  it('reports an unreachable backend as status 0', async () => {
    const api = createRestApi('http://x/api/v1', async () => {
      throw new TypeError('fetch failed')
    })
    await expect(api.positions()).rejects.toMatchObject({ status: 0 })
  })

  it('reads the share list as the contract writes it ({userIds}) and refuses any other shape', async () => {
    const a = createRestApi('http://x/api/v1', fakeFetch(200, { userIds: [USER_A.id] }, []))
    const b = createRestApi('http://x/api/v1', fakeFetch(200, [USER_A.id], []))
    expect(await a.shares('i')).toEqual([USER_A.id])
    await expect(b.shares('i')).rejects.toMatchObject({ status: 502 })
  })
})
