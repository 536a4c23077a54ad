import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { BackendApp } from '../app.js'
import { AUTH_HEADER, localBackend, tempDir } from '../test-support/temp.js'

describe('WEB_DIST: the built web app served at /', () => {
  let b: BackendApp | null = null
  let cleanup = () => {}
  afterEach(async () => {
    await b?.app.close()
    cleanup()
  })

  it('serves files, falls back to index.html for app routes, keeps API 404s as JSON', async () => {
    const t = tempDir()
    cleanup = t.cleanup
    const web = join(t.dir, 'web')
    mkdirSync(join(web, 'assets'), { recursive: true })
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Portfolio Planner</title>')
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)')
    b = await localBackend(join(t.dir, 'a.db'), { WEB_DIST: web })
    const root = await b.app.inject({ method: 'GET', url: '/' })
    expect(root.statusCode).toBe(200)
    expect(root.body).toContain('Portfolio Planner')
    expect((await b.app.inject({ method: 'GET', url: '/assets/app.js' })).body).toBe('console.log(1)')
    const deep = await b.app.inject({ method: 'GET', url: '/collaboration/shared' })
    expect(deep.statusCode).toBe(200)
    expect(deep.body).toContain('Portfolio Planner')
    const api = await b.app.inject({ method: 'GET', url: '/api/v1/nope', headers: AUTH_HEADER })
    expect(api.statusCode).toBe(404)
    expect(api.json()).toMatchObject({ statusCode: 404, error: 'Not Found' })
  })
})
