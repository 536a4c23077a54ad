import { defineConfig } from 'vitest/config'
import { reporters } from '../../tooling/vitest-reporters.mjs'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    reporters,
    // Tests start real listeners, relay processes and redis-server: one file at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
