import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackendApp } from '../app.js'
import { AUTH_HEADER, localBackend, tempDir } from '../test-support/temp.js'

type Schema = Record<string, unknown>
type Operation = {
  requestBody?: { content: Record<string, { schema: Schema }> }
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>
}
type Document = { paths: Record<string, Record<string, Operation>> }

const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats.default(ajv)

/** The document's operation for a method and an OpenAPI path (`/api/v1/ideas/{id}`). */
function operation(doc: Document, method: string, path: string): Operation {
  const op = doc.paths[path]?.[method.toLowerCase()]
  if (op === undefined) throw new Error(`${method} ${path} is not in the document`)
  return op
}

function requestSchema(op: Operation): Schema {
  const s = op.requestBody?.content['application/json']?.schema
  if (s === undefined) throw new Error('no JSON request body documented')
  return s
}

/** The documented schema for a status: the exact code, else its class (`4XX`). */
function responseSchema(op: Operation, status: number): Schema | undefined {
  const r = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`]
  expect(r, `status ${status} documented`).toBeDefined()
  return r?.content?.['application/json']?.schema
}

// An outside validator reads the document; real answers and refusals are checked against it, and
// every refused body is also refused by the documented request schema (the document is not laxer).
describe('the OpenAPI document states what the server checks', () => {
  let b: BackendApp
  let doc: Document
  let cleanup = () => {}
  beforeAll(async () => {
    const t = tempDir()
    cleanup = t.cleanup
    b = await localBackend(join(t.dir, 'a.db'))
    await b.app.ready()
    const res = await b.app.inject({ method: 'GET', url: '/docs/json', headers: AUTH_HEADER })
    expect(res.statusCode).toBe(200)
    doc = res.json()
  })
  afterAll(async () => {
    await b?.app.close()
    cleanup()
  })

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    b.app.inject({ method, url, headers: AUTH_HEADER, ...(payload === undefined ? {} : { payload }) })

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('describes real answers: a created idea, the list, an unknown id', async () => {
    const create = operation(doc, 'POST', '/api/v1/ideas')
    const body = { symbol: 'SNOW', strategy: 'Stock', status: 'Planned', tags: ['growth'] }
    expect(ajv.validate(requestSchema(create), body), ajv.errorsText()).toBe(true)
    const created = await call('POST', '/api/v1/ideas', body)
    const createdSchema = responseSchema(create, created.statusCode)
    expect(createdSchema).toBeDefined()
    expect(ajv.validate(createdSchema ?? {}, created.json()), ajv.errorsText()).toBe(true)

    const list = await call('GET', '/api/v1/ideas')
    const listSchema = responseSchema(operation(doc, 'GET', '/api/v1/ideas'), list.statusCode)
    expect(ajv.validate(listSchema ?? {}, list.json()), ajv.errorsText()).toBe(true)

    const missing = await call('GET', '/api/v1/ideas/00000000-0000-7000-8000-000000000000')
    expect(missing.statusCode).toBe(404)
    const missingSchema = responseSchema(operation(doc, 'GET', '/api/v1/ideas/{id}'), 404)
    expect(ajv.validate(missingSchema ?? {}, missing.json()), ajv.errorsText()).toBe(true)
  })

  it.each([
    ['a blank tag', { symbol: 'SNOW', strategy: 'Stock', status: 'Planned', tags: ['   '] }],
    [
      'a tag over 32 characters',
      { symbol: 'SNOW', strategy: 'Stock', status: 'Planned', tags: ['x'.repeat(33)] },
    ],
    ['a symbol that is no ticker', { symbol: '1SNOW', strategy: 'Stock', status: 'Planned' }],
    ['an unknown strategy', { symbol: 'SNOW', strategy: 'Moonshot', status: 'Planned' }],
    ['an unknown field', { symbol: 'SNOW', strategy: 'Stock', status: 'Planned', colour: 'red' }],
  ])('refuses %s on create, as the document says', async (_, body) => {
    const op = operation(doc, 'POST', '/api/v1/ideas')
    expect(ajv.validate(requestSchema(op), body)).toBe(false)
    const res = await call('POST', '/api/v1/ideas', body)
    expect(res.statusCode).toBe(400)
    expect(ajv.validate(responseSchema(op, 400) ?? {}, res.json()), ajv.errorsText()).toBe(true)
    expect(res.json().field).toEqual(expect.any(String))
  })

  it.each([
    ['an empty body', {}],
    ['a blank tag', { tags: [' '] }],
    ['an unknown status', { status: 'Sold' }],
  ])('refuses %s on PATCH, as the document says', async (_, body) => {
    const created = await call('POST', '/api/v1/ideas', {
      symbol: 'CRM',
      strategy: 'Stock',
      status: 'Planned',
    })
    const op = operation(doc, 'PATCH', '/api/v1/ideas/{id}')
    expect(ajv.validate(requestSchema(op), body)).toBe(false)
    const res = await call('PATCH', `/api/v1/ideas/${created.json().id}`, body)
    expect(res.statusCode).toBe(400)
    expect(ajv.validate(responseSchema(op, 400) ?? {}, res.json()), ajv.errorsText()).toBe(true)
  })

  it('refuses a request without sign-in with a documented 401', async () => {
    const res = await b.app.inject({ method: 'GET', url: '/api/v1/ideas' })
    expect(res.statusCode).toBe(401)
    const schema = responseSchema(operation(doc, 'GET', '/api/v1/ideas'), 401)
    expect(ajv.validate(schema ?? {}, res.json()), ajv.errorsText()).toBe(true)
  })
})
