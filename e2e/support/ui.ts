import { expect, type Locator, type Page } from '@playwright/test'

/** Tickers contain only A-Z, 0-9, '.', '-': safe inside a CSS attribute selector. */
export const cardCss = (symbol: string) => `[data-testid="idea-card"][data-symbol="${symbol}"]`

export const card = (page: Page, symbol: string): Locator => page.locator(cardCss(symbol))

export const badge = (page: Page): Locator => page.getByTestId('connection-badge')

export const toast = (page: Page, text: string): Locator =>
  page.getByRole('status').getByText(text, { exact: true })

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export async function goTo(page: Page, section: 'Dashboard' | 'Collaboration' | 'Friends'): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: section, exact: true })
    .click()
}

export async function openTab(page: Page, tab: 'My Ideas' | 'Shared With Me'): Promise<void> {
  await goTo(page, 'Collaboration')
  const t = page.getByRole('tab', { name: tab })
  await t.click()
  await expect(t).toHaveAttribute('aria-selected', 'true')
}

export interface NewIdea {
  symbol: string
  strategy: string
  status: string
  tags?: string
  notes?: string
}

/** Create New Idea → fill the form → Create; resolves when the card shows in My Ideas. */
export async function createIdea(page: Page, idea: NewIdea): Promise<Locator> {
  await openTab(page, 'My Ideas')
  await page.getByRole('button', { name: 'Create New Idea' }).click()
  const form = page.getByRole('form', { name: 'New idea' })
  await form.getByLabel('Symbol').fill(idea.symbol)
  await form.getByLabel('Strategy').selectOption(idea.strategy)
  await form.getByLabel('Status').selectOption(idea.status)
  if (idea.tags) await form.getByLabel('Tags').fill(idea.tags)
  if (idea.notes) await form.getByLabel('Notes').fill(idea.notes)
  await form.getByRole('button', { name: 'Create', exact: true }).click()
  const c = card(page, idea.symbol)
  await expect(c).toBeVisible()
  return c
}

/** The card's header button (its accessible name starts with the symbol). */
export const cardHeader = (c: Locator, symbol: string): Locator =>
  c.getByRole('button', { name: new RegExp(`^${escapeRe(symbol)}(\\s|$)`) }).first()

/** Expands a card if it is collapsed. */
export async function expand(c: Locator, symbol: string): Promise<void> {
  const header = cardHeader(c, symbol)
  await expect(header).toBeVisible()
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click()
  await expect(header).toHaveAttribute('aria-expanded', 'true')
}

/**
 * Share → set each friend's checkbox as `friends` says (`{ 'User B': true, 'User C': false }`) → returns the
 * confirm button (`Share Position` on a first share, else `Update Sharing`) for the caller to click.
 */
export async function openShareDialog(
  page: Page,
  symbol: string,
  friends: Record<string, boolean>,
  confirm: 'Share Position' | 'Update Sharing',
): Promise<Locator> {
  const c = card(page, symbol)
  await expand(c, symbol)
  await c.getByRole('button', { name: 'Share', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: `Share ${symbol}` })
  await expect(dialog).toBeVisible()
  for (const [name, checked] of Object.entries(friends)) {
    await dialog.getByRole('checkbox', { name }).setChecked(checked)
  }
  return dialog.getByRole('button', { name: confirm, exact: true })
}

export const commentItems = (c: Locator): Locator =>
  c.getByRole('list', { name: 'Comments' }).getByRole('listitem')

/** Types a comment in the card's Comment box and sends it with Enter. */
export async function typeComment(c: Locator, body: string): Promise<void> {
  await c.getByRole('textbox', { name: 'Comment' }).fill(body)
}

export async function sendComment(c: Locator): Promise<void> {
  await c.getByRole('textbox', { name: 'Comment' }).press('Enter')
}

/**
 * Resolves as soon as an element matching `css` (and containing `text`, when given) is rendered in `page`;
 * polls in the page every 20 ms, so the time it resolves is what the user saw, not a retry interval.
 */
export async function appears(page: Page, css: string, text?: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    ([sel, t]) =>
      Array.from(document.querySelectorAll(sel)).some(
        (el) => el.getClientRects().length > 0 && (t === null || (el.textContent ?? '').includes(t)),
      ),
    [css, text ?? null] as const,
    { polling: 20, timeout },
  )
}

/** Resolves as soon as no element matching `css` is rendered in `page`. */
export async function disappears(page: Page, css: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (sel) => Array.from(document.querySelectorAll(sel)).every((el) => el.getClientRects().length === 0),
    css,
    { polling: 20, timeout },
  )
}

/** Resolves as soon as the connection badge reads `text`. */
export async function badgeReads(page: Page, text: 'Live' | 'Offline', timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="connection-badge"]')?.textContent?.trim() === t,
    text,
    { polling: 20, timeout },
  )
}
