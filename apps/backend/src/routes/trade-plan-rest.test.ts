import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BackendApp } from '../app.js'
import { AUTH_HEADER, localBackend, tempDir } from '../test-support/temp.js'

const LEG = { type: 'call', side: 'sell', strike: 200, expiry: '2027-01-15', premium: 3.2, quantity: 1 }

describe('an idea’s prices and option legs over REST', () => {
  let b: BackendApp
  let cleanup = () => {}
  beforeEach(async () => {
    const t = tempDir()
    cleanup = t.cleanup
    b = await localBackend(join(t.dir, 'a.db'))
    await b.app.ready()
  })
  afterEach(async () => {
    await b.app.close()
    cleanup()
  })

  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    b.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: AUTH_HEADER,
      ...(payload === undefined ? {} : { payload: payload as object }),
    })

  it('keeps entry, target, stop and legs, and reads them back', async () => {
    const body = {
      symbol: 'ORCL',
      strategy: 'Covered Call',
      status: 'Planned',
      entryPrice: 180,
      targetPrice: 200,
      stopPrice: 165,
      legs: [LEG],
    }
    const created = await inject('POST', '/ideas', body)
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ entryPrice: 180, targetPrice: 200, stopPrice: 165, legs: [LEG] })
    const got = await inject('GET', `/ideas/${created.json().id}`)
    expect(got.json()).toMatchObject({ entryPrice: 180, targetPrice: 200, stopPrice: 165, legs: [LEG] })
  })

  it('answers an idea without prices with nulls and no legs', async () => {
    const created = await inject('POST', '/ideas', { symbol: 'CRM', strategy: 'Stock', status: 'Open' })
    expect(created.json()).toMatchObject({ entryPrice: null, targetPrice: null, stopPrice: null, legs: [] })
  })

  it('refuses a bad price or leg with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ symbol: 'CRM', strategy: 'Stock', status: 'Open', entryPrice: 0 }, 'entryPrice'],
      [
        { symbol: 'CRM', strategy: 'Long Call', status: 'Open', entryPrice: 10, targetPrice: 9 },
        'targetPrice',
      ],
      [{ symbol: 'CRM', strategy: 'Stock', status: 'Open', legs: [LEG] }, 'legs'],
      [
        { symbol: 'CRM', strategy: 'Long Call', status: 'Open', legs: [{ ...LEG, expiry: 'soon' }] },
        'legs.0.expiry',
      ],
    ]
    for (const [body, field] of cases) {
      const r = await inject('POST', '/ideas', body)
      expect(r.statusCode, JSON.stringify(body)).toBe(400)
      expect(r.json()).toMatchObject({ statusCode: 400, field })
    }
  })

  it('checks a patch’s prices against the stored ones, naming a field the patch gave', async () => {
    const id = (
      await inject('POST', '/ideas', {
        symbol: 'ADBE',
        strategy: 'Long Call',
        status: 'Planned',
        entryPrice: 500,
        targetPrice: 560,
      })
    ).json().id
    const below = await inject('PATCH', `/ideas/${id}`, { stopPrice: 520 })
    expect(below.statusCode).toBe(400)
    expect(below.json()).toMatchObject({
      field: 'stopPrice',
      message: 'stopPrice: must be below the entry price (a Long Call is long)',
    })
    // The rule compares the entry with the stored target: the entry is the field this patch gave.
    const entry = await inject('PATCH', `/ideas/${id}`, { entryPrice: 600 })
    expect(entry.statusCode).toBe(400)
    expect(entry.json().field).toBe('entryPrice')
    const ok = await inject('PATCH', `/ideas/${id}`, { stopPrice: 470, targetPrice: null })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ entryPrice: 500, targetPrice: null, stopPrice: 470, version: 2 })
  })

  it('refuses legs on a Stock idea in a patch', async () => {
    const id = (await inject('POST', '/ideas', { symbol: 'CRM', strategy: 'Stock', status: 'Open' })).json()
      .id
    const r = await inject('PATCH', `/ideas/${id}`, { legs: [LEG] })
    expect(r.statusCode).toBe(400)
    expect(r.json().field).toBe('legs')
  })
})
