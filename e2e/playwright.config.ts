import { defineConfig } from '@playwright/test'

/**
 * Two-browser end-to-end tests of the collaboration flows. The global setup starts the whole stack once
 * (the launcher, production-style, on spare ports with fresh databases); every test opens its own browser
 * contexts, one per user.
 */
// Each run writes its artifacts to its own folder, so a second run started meanwhile (the root `pnpm test`
// while this suite runs) cannot delete them under it. Workers inherit the id from the runner's env.
process.env.PP_E2E_RUN_ID ??= new Date().toISOString().replace(/[:.]/g, '-')

export default defineConfig({
  testDir: './tests',
  outputDir: `./test-results/artifacts/${process.env.PP_E2E_RUN_ID}`,
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/report.json' }],
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
})
