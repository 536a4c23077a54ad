import { type Browser, test as base, expect, type Page, type TestInfo } from '@playwright/test'
import { appendLatency, type LatencySample } from './latency'
import { freshSignInLink, type StackState, stack } from './stack'

export { expect }

/** One user's browser: its own context (own storage), on that user's web app. */
export interface UserSession {
  page: Page
  id: string
  name: string
  apiUrl: string
  webUrl: string
}

export interface Relay {
  /** Stops the relay process (SIGTERM, as Ctrl+C in its terminal); resolves once it has exited. */
  stop(): Promise<void>
  /** Starts it again with the same command; resolves once its /health answers. */
  start(): Promise<void>
}

export interface Latency {
  /**
   * Runs `action`, then `visible`, and records the time from the start of the action until `visible`
   * resolved under `step` (e.g. "comment → visible to User A"). Returns the milliseconds.
   */
  measure(step: string, action: () => Promise<unknown>, visible: () => Promise<unknown>): Promise<number>
  record(step: string, ms: number): void
}

interface Fixtures {
  userA: UserSession
  userB: UserSession
  userC: UserSession
  relay: Relay
  latency: Latency
  /** A ticker unique to this test run: `AAPL` the first time, `AAPL-3` on the 4th repeat. */
  sym: (ticker: string) => string
}

async function openUser(browser: Browser, state: StackState, key: string, testInfo: TestInfo) {
  const user = state.users.find((u) => u.key === key)
  if (!user?.webUrl) throw new Error(`user ${key} has no web app in this stack`)
  const context = await browser.newContext()
  const page = await context.newPage()
  // Signed in as a user is: by opening a sign-in link (a fresh one: each link signs in once).
  await page.goto(await freshSignInLink(user))
  await expect(page.getByTestId('user-name')).toHaveText(user.displayName)
  expect(new URL(page.url()).searchParams.has('code')).toBe(false)
  // Every test starts from a fully connected stack: browser ↔ backend ↔ relay.
  await expect(page.getByTestId('connection-badge')).toHaveText('Live')
  const session: UserSession = {
    page,
    id: user.id,
    name: user.displayName,
    apiUrl: user.apiUrl,
    webUrl: user.webUrl,
  }
  const close = async () => {
    const path = testInfo.outputPath(`${user.key}-end.png`)
    await page.screenshot({ path, fullPage: true })
    await testInfo.attach(`${user.displayName} — end of test`, { path, contentType: 'image/png' })
    await context.close()
  }
  return { session, close }
}

async function control(path: string): Promise<void> {
  const url = stack().controlUrl
  if (!url) throw new Error('the launcher runs without a control API')
  const res = await fetch(`${url}${path}`, { method: 'POST' })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
}

export const test = base.extend<Fixtures>({
  userA: async ({ browser }, use, testInfo) => {
    const { session, close } = await openUser(browser, stack(), 'a', testInfo)
    await use(session)
    await close()
  },
  userB: async ({ browser }, use, testInfo) => {
    const { session, close } = await openUser(browser, stack(), 'b', testInfo)
    await use(session)
    await close()
  },
  userC: async ({ browser }, use, testInfo) => {
    const { session, close } = await openUser(browser, stack(), 'c', testInfo)
    await use(session)
    await close()
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from the destructuring pattern
  relay: async ({}, use) => {
    let stopped = false
    await use({
      stop: async () => {
        await control('/relay/stop')
        stopped = true
      },
      start: async () => {
        await control('/relay/start')
        stopped = false
      },
    })
    // Never leave the stack without its relay for the next test.
    if (stopped) await control('/relay/start')
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from the destructuring pattern
  latency: async ({}, use, testInfo) => {
    const samples: LatencySample[] = []
    const record = (step: string, ms: number) => {
      samples.push({
        test: testInfo.title,
        step,
        ms,
        repeat: testInfo.repeatEachIndex,
        at: new Date().toISOString(),
      })
    }
    await use({
      record,
      measure: async (step, action, visible) => {
        const t0 = Date.now()
        await action()
        await visible()
        const ms = Date.now() - t0
        record(step, ms)
        return ms
      },
    })
    appendLatency(samples)
    await testInfo.attach('sync latency', {
      body: JSON.stringify(samples, null, 2),
      contentType: 'application/json',
    })
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture names from the destructuring pattern
  sym: async ({}, use, testInfo) => {
    // Against a reused stack the global setup sets a short run tag, so this run never meets the last one's ideas.
    const tag = process.env.PP_E2E_RUN_TAG ?? ''
    const again = testInfo.repeatEachIndex > 0 || testInfo.retry > 0
    const suffix =
      tag || again
        ? `-${tag}${again ? testInfo.repeatEachIndex.toString(36).toUpperCase() : ''}${testInfo.retry > 0 ? `R${testInfo.retry}` : ''}`
        : ''
    await use((ticker) => `${ticker}${suffix}`)
  },
})
