import { createServer, type Server } from 'node:http'
import { expect, test } from '@playwright/test'
import { spareRange } from '../support/ports'
import { freshSignInLink, stack } from '../support/stack'

// A page of another site on another port of the same host (same-site, so the browser sends the user's
// SameSite=Strict cookie), visited by a signed-in user: it can neither change anything nor listen in.
test('a page from another port can neither change anything nor read the live channel', async ({
  browser,
}) => {
  const user = stack().users.find((u) => u.key === 'b')
  if (!user?.webUrl || !user.apiToken) throw new Error('no web app for User B')
  const auth = { authorization: `Bearer ${user.apiToken}` }
  const ideasBefore = (await (await fetch(`${user.apiUrl}/ideas`, { headers: auth })).json()) as unknown[]

  const port = await spareRange(1)
  const evil: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<!doctype html><title>elsewhere</title><h1>Elsewhere</h1>')
  })
  await new Promise<void>((done) => evil.listen(port, '127.0.0.1', done))
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(await freshSignInLink(user))
    await expect(page.getByTestId('user-name')).toHaveText(user.displayName)

    const other = await context.newPage()
    await other.goto(`http://localhost:${port}/`)
    const api = user.apiUrl
    const origin = new URL(api).origin
    const outcome = await other.evaluate(
      async ({ api, origin }) => {
        const body = JSON.stringify({ symbol: 'EVIL', strategy: 'Long Call', status: 'Planned' })
        // A "simple" cross-site POST: no preflight, the cookie goes along.
        const simple = await fetch(`${api}/ideas`, {
          method: 'POST',
          mode: 'no-cors',
          credentials: 'include',
          headers: { 'content-type': 'text/plain' },
          body,
        }).then(
          () => 'sent',
          () => 'failed',
        )
        // A JSON POST needs a preflight the backend does not grant to this origin.
        const json = await fetch(`${api}/ideas`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json' },
          body,
        }).then(
          (r) => `answered ${r.status}`,
          () => 'blocked',
        )
        // Reading the user's ideas: CORS gives this origin nothing.
        const read = await fetch(`${api}/ideas`, { credentials: 'include' }).then(
          async (r) => `read ${(await r.text()).length} bytes`,
          () => 'blocked',
        )
        // The live channel: CORS does not apply to WebSockets, the backend's Origin check does.
        const live = await new Promise<string>((done) => {
          const ws = new WebSocket(`${origin.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`)
          const timer = setTimeout(() => done('no answer'), 5000)
          ws.onmessage = (m) => {
            clearTimeout(timer)
            done(`message ${String(m.data).slice(0, 1)}`)
            ws.close()
          }
          ws.onerror = () => {
            clearTimeout(timer)
            done('refused')
          }
        })
        return { simple, json, read, live }
      },
      { api, origin },
    )
    expect(outcome.json).toBe('blocked')
    expect(outcome.read).toBe('blocked')
    expect(outcome.live).toBe('refused')
    // The simple POST left the browser, and changed nothing.
    const ideasAfter = (await (await fetch(`${user.apiUrl}/ideas`, { headers: auth })).json()) as Array<{
      symbol: string
    }>
    expect(ideasAfter.length).toBe(ideasBefore.length)
    expect(ideasAfter.some((i) => i.symbol === 'EVIL')).toBe(false)
    // The user's own tab is still signed in and live.
    await expect(page.getByTestId('connection-badge')).toHaveText('Live')
  } finally {
    await context.close()
    await new Promise<void>((done) => evil.close(() => done()))
  }
})
