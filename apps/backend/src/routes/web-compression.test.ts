import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import type { BackendApp } from '../app.js'
import { AUTH_HEADER, localBackend, tempDir } from '../test-support/temp.js'

// The web app's real build (`pnpm build` writes it, with its `.br` and `.gz` copies, before tests run).
const WEB_DIST = resolve(import.meta.dirname, '../../../web/dist')

function builtScript(): string {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8')
  const src = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1]
  if (src === undefined) throw new Error('index.html names no script')
  return src
}

describe('compressed responses: the built web app and the API', () => {
  let b: BackendApp | null = null
  let cleanup = () => {}
  afterEach(async () => {
    await b?.app.close()
    cleanup()
  })

  it('sends a built asset as its brotli or gzip copy, and an API JSON response compressed, headers kept', async () => {
    expect(existsSync(join(WEB_DIST, 'index.html')), `${WEB_DIST} is built (pnpm build)`).toBe(true)
    const t = tempDir()
    cleanup = t.cleanup
    b = await localBackend(join(t.dir, 'a.db'), { WEB_DIST, USE_MOCK_SCHWAB_DATA: 'true' })
    const src = builtScript()
    const original = readFileSync(join(WEB_DIST, src))

    const br = await b.app.inject({ method: 'GET', url: src, headers: { 'accept-encoding': 'br, gzip' } })
    expect(br.statusCode).toBe(200)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toMatch(/javascript/)
    expect(br.headers['content-security-policy']).toContain("script-src 'self'")
    expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true)
    expect(br.rawPayload.length).toBeLessThan(original.length)

    const gz = await b.app.inject({ method: 'GET', url: src, headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true)

    const plain = await b.app.inject({ method: 'GET', url: src })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.rawPayload.equals(original)).toBe(true)

    const api = await b.app.inject({
      method: 'GET',
      url: '/api/v1/positions',
      headers: { ...AUTH_HEADER, 'accept-encoding': 'br, gzip' },
    })
    expect(api.statusCode).toBe(200)
    expect(api.headers['content-encoding']).toBe('br')
    expect(api.headers['content-type']).toMatch(/application\/json/)
    expect(api.headers['x-content-type-options']).toBe('nosniff')
    const body: unknown = JSON.parse(brotliDecompressSync(api.rawPayload).toString('utf8'))
    expect(Array.isArray(body) || typeof body === 'object').toBe(true)
  })
})
