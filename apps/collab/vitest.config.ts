import { defineConfig } from 'vitest/config'
import { reporters } from '../../tooling/vitest-reporters.mjs'
import { sourceConditions } from '../../tooling/vitest-source.mjs'

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ['src/**/*.test.ts'],
    reporters,
    // Tests start real listeners, relay processes and redis-server: one file at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
