import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'
import { reporters } from '../../tooling/vitest-reporters.mjs'

export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
    reporters,
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
})
