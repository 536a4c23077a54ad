import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/**
 * Runs axe-core (every rule it runs by default: WCAG 2.0/2.1 A and AA, and its best practices such as
 * heading order) on what `page` shows now, and expects no violation (softly: the test goes on to the next state, so one run lists them all). The message lists each
 * rule with the elements that broke it, so the report says what to fix.
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  const found = violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n${v.nodes
        .map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`)
        .join('\n')}`,
  )
  expect.soft(found, `axe-core on ${state}`).toEqual([])
}
