import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { BackendApp } from '../app.js'
import { AUTH_HEADER, localBackend, tempDir } from '../test-support/temp.js'

describe('in production', () => {
  let b: BackendApp | null = null
  let cleanup = () => {}
  afterEach(async () => {
    await b?.app.close()
    b = null
    cleanup()
  })

  async function start(NODE_ENV: string): Promise<BackendApp> {
    const t = tempDir()
    cleanup = t.cleanup
    const web = join(t.dir, 'web')
    mkdirSync(join(web, 'assets'), { recursive: true })
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Portfolio Planner</title>')
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)\n//# sourceMappingURL=app.js.map')
    writeFileSync(join(web, 'assets', 'app.js.map'), '{"version":3,"sources":["secret.ts"]}')
    b = await localBackend(join(t.dir, 'a.db'), { WEB_DIST: web, NODE_ENV })
    return b
  }

  it('serves no source maps (404), while the bundle and the app shell need no sign-in', async () => {
    const s = await start('production')
    for (const url of ['/assets/app.js.map', '/assets/app.js.map?x=1', '/nothing-here.map']) {
      const a = await s.app.inject({ method: 'GET', url })
      expect(a.statusCode, url).toBe(404)
      expect(a.body).not.toContain('secret.ts')
    }
    expect((await s.app.inject({ method: 'GET', url: '/assets/app.js' })).statusCode).toBe(200)
    expect((await s.app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200)
    expect((await s.app.inject({ method: 'GET', url: '/collaboration' })).statusCode).toBe(200)
  })

  it('wants sign-in for /docs', async () => {
    const s = await start('production')
    expect((await s.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(401)
    expect((await s.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(401)
    expect((await s.app.inject({ method: 'GET', url: '/docs/json', headers: AUTH_HEADER })).statusCode).toBe(
      200,
    )
  })

  it('(in development both stay open)', async () => {
    const s = await start('development')
    expect((await s.app.inject({ method: 'GET', url: '/assets/app.js.map' })).statusCode).toBe(200)
    expect((await s.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200)
  })
})
