import { defineConfig } from 'vitest/config'
import { reporters } from '../../tooling/vitest-reporters.mjs'
import { sourceConditions } from '../../tooling/vitest-source.mjs'

export default defineConfig({ ...sourceConditions, test: { include: ['src/**/*.test.ts'], reporters } })
