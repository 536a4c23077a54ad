import { defineConfig } from 'vitest/config'
import { reporters } from '../tooling/vitest-reporters.mjs'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters,
    // Some tests start a real relay and backend: one file at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
