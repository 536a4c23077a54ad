import { expect, test } from '../support/fixtures'
import { goTo } from '../support/ui'

// Sealed events: each user compares safety numbers out of band. What A's Friends page shows for B is
// what B's own Friends page shows as B's, and the other way round.
test('safety numbers: each side shows the other’s as that user shows their own', async ({ userA, userB }) => {
  await goTo(userA.page, 'Friends')
  await goTo(userB.page, 'Friends')
  const own = async (page: typeof userA.page) => {
    const line = page.getByText(/^Your safety number/)
    await expect(line).toBeVisible()
    return (await line.locator('code').textContent())?.trim() ?? ''
  }
  const seen = async (page: typeof userA.page, name: string) => {
    const row = page.getByRole('list', { name: 'Friend list' }).locator('li', { hasText: name })
    const code = row.locator('.fingerprint code')
    await expect(code).toHaveText(/^[0-9A-F]{4}( [0-9A-F]{4}){4}$/, { timeout: 30_000 })
    return (await code.textContent())?.trim() ?? ''
  }
  const a = await own(userA.page)
  const b = await own(userB.page)
  expect(a).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){4}$/)
  expect(b).not.toBe(a)
  expect(await seen(userA.page, 'User B')).toBe(b)
  expect(await seen(userB.page, 'User A')).toBe(a)
  // No warning: nobody's keys changed.
  await expect(userA.page.getByRole('alert')).toHaveCount(0)
})
