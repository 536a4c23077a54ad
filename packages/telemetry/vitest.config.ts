import { defineConfig } from 'vitest/config'
import { reporters } from '../../tooling/vitest-reporters.mjs'

export default defineConfig({ test: { include: ['src/**/*.test.ts'], reporters } })
