import { defineConfig } from 'vitest/config'
import { reporters } from '../tooling/vitest-reporters.mjs'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    reporters,
    globalSetup: ['./src/global-setup.ts'],
    // Every file starts real processes; two cores: one file at a time.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
})
